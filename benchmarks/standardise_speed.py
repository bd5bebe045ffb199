"""Microseconds per record for standardise_customer and standardise_product.

Synthetic data with realistic repetition: names, streets and brands come from
small pools; each person appears in three sources with spelling variants, the
phone written three ways, the e-mail in any case or missing, the address repeated.

    .venv/bin/python benchmarks/standardise_speed.py [--records 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time

from matching.standardise import standardise_customer, standardise_product

FIRST = ["Юлия", "Yulia", "Юля", "Александр", "Саша", "Alexander", "Дмитрий", "Dmitry", "Дима",
         "Екатерина", "Катя", "Ekaterina", "Иван", "Ivan", "Ваня", "Мария", "Маша", "Maria",
         "Сергей", "Sergey", "Ольга", "Olga", "Алексей", "Alexey", "Лёша", "Наталья", "Natalia"]
LAST = ["Иванов", "Ivanov", "Петрова", "Petrova", "Сидоров", "Кузнецова", "Kuznetsova",
        "Смирнов", "Smirnov", "Попова", "Васильев", "Соколова", "Михайлов", "Новикова",
        "Фёдоров", "Морозова", "Волков", "Алексеева", "Лебедев", "Семёнова"]
MIDDLE = ["Иванович", "Петровна", "Сергеевич", "Александровна", None, None]
STREETS = ["ул. Ленина", "улица Ленина", "Lenina st.", "пр-т Мира", "проспект Мира",
           "ул. Тверская", "Тверская ул.", "пер. Гагарина", "наб. Фонтанки", "ул. 1 Мая"]
CITIES = ["г. Москва", "Москва", "Moscow", "Санкт-Петербург", "СПб", "Казань", "Екатеринбург"]
DOMAINS = ["mail.ru", "gmail.com", "yandex.ru", "ya.ru", "bk.ru"]
BRANDS = ["Samsung", "Самсунг", "L’Oréal", "Coca-Cola", "Кока-Кола", "Nike", "Найк",
          "Простоквашино", "Borjomi", "Боржоми", "Sony"]
NOUNS = ["Вода минеральная", "Футболка", "Кроссовки", "Молоко", "Шампунь", "Телевизор",
         "Газировка", "Сок яблочный", "Платье"]
EXTRAS = ["6 x 0,5 л", "500 мл", "1 кг", "930 мл 2,5%", "красная XL", "чёрные р. 42",
          "синий M", "0.33L", "6шт", "white S"]


def make_customers(count: int, rng: random.Random) -> list[dict]:
    """`count` raw customer records, about three per person."""
    records = []
    while len(records) < count:
        code, number = rng.randint(10, 99), rng.randint(10**6, 10**7 - 1)
        # One person's phone as three channels write it.
        phones = [f"+7 9{code} {number // 10**4}-{number // 100 % 100:02d}-{number % 100:02d}",
                  f"89{code}{number}", f"+7 (9{code}) {number}"]
        email = f"user{rng.randint(1, 10**6)}@{rng.choice(DOMAINS)}"
        born = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2005)}"
        address = {"city": rng.choice(CITIES), "street": rng.choice(STREETS),
                   "house": str(rng.randint(1, 60)), "flat": str(rng.randint(1, 300)),
                   "postcode": "101000"}
        for phone in phones:
            records.append({
                "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
                "middle_name": rng.choice(MIDDLE),
                "email": rng.choice([email, email.upper(), None]), "phone": phone,
                "birth_date": born, "address": address,
                "loyalty_card": str(rng.randint(10**12, 10**13)),
                "updated_at": "2026-01-15T10:00:00Z",
            })
    return records[:count]


def make_products(count: int, rng: random.Random) -> list[dict]:
    """`count` raw product records from small pools of brands, nouns and variants."""
    return [{
        "gtin": "4607123456781", "brand": rng.choice(BRANDS),
        "title": f"{rng.choice(NOUNS)} {rng.choice(BRANDS)} {rng.choice(EXTRAS)}",
        "category": "Напитки", "attributes": {"color": rng.choice(["red", "чёрный", None])},
        "price": 99.9, "currency": "RUB",
    } for _ in range(count)]


def microseconds_per_record(function, records: list[dict]) -> float:
    """Average CPU time per call of `function` over `records`, in µs.

    CPU time, not wall time: other processes on a shared machine do not count.
    """
    started = time.process_time()
    for index, record in enumerate(records):
        function(record, record_id=str(index), source="bench")
    return (time.process_time() - started) / len(records) * 1e6


def main() -> None:
    """Prints µs per customer and per product record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    customers, products = make_customers(args.records, rng), make_products(args.records, rng)
    customer_us = microseconds_per_record(standardise_customer, customers)
    product_us = microseconds_per_record(standardise_product, products)
    print(f"customers: {customer_us:.1f} µs/record over {len(customers):,}")  # noqa: T201
    print(f"products:  {product_us:.1f} µs/record over {len(products):,}")  # noqa: T201


if __name__ == "__main__":
    main()
