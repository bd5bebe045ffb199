import gc

import pytest

from mdm.collector import BULK_GC_THRESHOLDS, rare_collections


def test_rare_collections_give_back_the_thresholds_even_when_the_work_fails():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), rare_collections():
        assert gc.get_threshold() == BULK_GC_THRESHOLDS
        raise RuntimeError("the load failed")
    assert gc.get_threshold() == before != BULK_GC_THRESHOLDS
