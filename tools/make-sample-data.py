#!/usr/bin/env python3
"""Writes data/input/{customers,products,orders}.csv: deterministic, realistic sample data.

The files are committed; rerun this only to change them (same seed, same bytes). They carry what
real exports carry: quoted fields with commas, quotes and line breaks, unicode names, empty values,
prices with cents and timestamps with time-zone offsets. Every order names an existing customer
and product.
"""
import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

SEED = 20260101
CUSTOMERS, PRODUCTS, ORDERS = 1000, 200, 10000
OUT = Path(__file__).resolve().parent.parent / "data" / "input"

FIRST = ["Anna", "José", "Zoë", "Søren", "Łukasz", "Ελένη", "Дмитрий", "王芳", "佐藤", "Ömer", "François",
         "Siobhán", "Mohammed", "Aarav", "Chloé", "Björn", "Nguyễn", "Maëlle", "Jürgen", "Inês", "Olivia",
         "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Mateo", "Amélie", "Kenji"]
LAST = ["Smith", "García", "Müller", "O'Brien", "Nowak", "Papadopoulou", "Иванов", "李", "Tanaka",
        "Yılmaz", "Dubois", "Ní Bhriain", "Al-Farsi", "Sharma", "Lefèvre", "Johansson", "Trần",
        "Van der Berg", "Schröder", "Gonçalves", "Brown", "Wilson", "Taylor", "Anderson", "Rossi"]
CITIES = [("Berlin", "DE", "+01:00"), ("Paris", "FR", "+01:00"), ("London", "GB", "Z"),
          ("New York", "US", "-05:00"), ("São Paulo", "BR", "-03:00"), ("Tokyo", "JP", "+09:00"),
          ("Kraków", "PL", "+01:00"), ("Athens", "GR", "+02:00"), ("Mumbai", "IN", "+05:30"),
          ("Zürich", "CH", "+01:00"), ("Montréal", "CA", "-05:00"), ("Sydney", "AU", "+11:00")]
STREETS = ["Main Street", "Rue de la Paix", "Hauptstraße", "Baker Street", "Rua Augusta", "ul. Floriańska"]
CATEGORIES = ["Kitchen", "Garden", "Office", "Toys", "Books", "Electronics", "Outdoor", "Bath"]
ADJECTIVES = ["Classic", "Deluxe", "Compact", "Eco", "Premium", "Travel", "Smart", "Vintage"]
NOUNS = ["Mug", "Lamp", "Notebook", "Backpack", "Kettle", "Chair", "Headphones", "Planter", "Towel", "Puzzle"]
STATUSES = [("delivered", 55), ("shipped", 10), ("paid", 8), ("placed", 7), ("cancelled", 12), ("refunded", 8)]


def iso(ts: dt.datetime, offset: str) -> str:
    if offset == "Z":
        return ts.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    local = ts + sign * dt.timedelta(hours=hours, minutes=minutes)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


def customers(rng):
    rows = []
    start = dt.datetime(2024, 1, 1)
    for cid in range(1, CUSTOMERS + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, country, offset = rng.choice(CITIES)
        street = f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
        if rng.random() < 0.15:
            street += f", Apt. {rng.randint(1, 40)}"          # a comma inside a field
        if rng.random() < 0.05:
            street += "\nc/o " + rng.choice(FIRST)            # a line break inside a field
        local = (first + "." + last).lower().replace(" ", "").replace("'", "")
        email = f"{local}{cid}@example.com"
        phone = "" if rng.random() < 0.2 else f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}"
        signed = start + dt.timedelta(seconds=rng.randint(0, 365 * 86400))
        rows.append([cid, first, last, email, phone, street, city, country,
                     iso(signed, offset), "true" if rng.random() < 0.9 else "false"])
    return ["customer_id", "first_name", "last_name", "email", "phone", "street", "city", "country",
            "signed_up_at", "is_active"], rows


def products(rng):
    rows = []
    created = dt.datetime(2024, 1, 1)
    for pid in range(1, PRODUCTS + 1):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if rng.random() < 0.1:
            name += ', "limited" edition'                   # quotes and a comma
        desc = "" if rng.random() < 0.15 else f"A {name.lower()} for everyday use."
        if rng.random() < 0.1:
            desc += "\nCare: hand wash only.\nMade in Europe."
        price = Decimal(rng.randint(199, 49999)) / 100
        rows.append([pid, f"SKU-{pid:05d}", name, desc, rng.choice(CATEGORIES), f"{price:.2f}",
                     rng.randint(0, 500), iso(created + dt.timedelta(hours=rng.randint(0, 2000)), "Z")])
    return ["product_id", "sku", "name", "description", "category", "price", "stock", "created_at"], rows


def orders(rng, product_prices):
    rows = []
    start = dt.datetime(2025, 1, 1)
    statuses = [s for s, w in STATUSES for _ in range(w)]
    for oid in range(1, ORDERS + 1):
        cid, pid = rng.randint(1, CUSTOMERS), rng.randint(1, PRODUCTS)
        qty = rng.choices([1, 2, 3, 4, 5, 10], [50, 20, 12, 8, 6, 4])[0]
        placed = start + dt.timedelta(seconds=rng.randint(0, 365 * 86400 - 1))
        status = rng.choice(statuses)
        paid = shipped = delivered = None
        if status in ("paid", "shipped", "delivered", "refunded"):
            paid = placed + dt.timedelta(minutes=rng.randint(1, 120))
        if status in ("shipped", "delivered", "refunded"):
            shipped = paid + dt.timedelta(hours=rng.randint(4, 72))
        if status in ("delivered", "refunded"):
            delivered = shipped + dt.timedelta(hours=rng.randint(12, 120))
        note = ""
        r = rng.random()
        if r < 0.03:
            note = 'Please ring twice, "back door"'
        elif r < 0.05:
            note = "Leave at reception,\nfloor 3"
        elif r < 0.06:
            note = "Geschenk – bitte ohne Rechnung 🎁"
        fmt = lambda t: "" if t is None else iso(t, "Z")
        rows.append([oid, cid, pid, qty, product_prices[pid], status, iso(placed, "+01:00"),
                     fmt(paid), fmt(shipped), fmt(delivered), note])
    return ["order_id", "customer_id", "product_id", "quantity", "unit_price", "status", "ordered_at",
            "paid_at", "shipped_at", "delivered_at", "notes"], rows


def write(name, header, rows):
    with open(OUT / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    ch, cr = customers(rng)
    ph, pr = products(rng)
    oh, orows = orders(rng, {row[0]: row[5] for row in pr})
    write("customers.csv", ch, cr)
    write("products.csv", ph, pr)
    write("orders.csv", oh, orows)


if __name__ == "__main__":
    main()
