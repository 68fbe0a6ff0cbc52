-- The shop's tables as the data initializer creates them from data/input, with a small deterministic fill.
CREATE TABLE customers (customer_id integer PRIMARY KEY, first_name text, last_name text, email text, phone text,
  street text, city text, country text, signed_up_at timestamptz, is_active boolean);
CREATE TABLE products (product_id integer PRIMARY KEY, sku text, name text, description text, category text,
  price numeric(18,2), stock integer, created_at timestamptz);
CREATE TABLE orders (order_id integer PRIMARY KEY, customer_id integer REFERENCES customers, product_id integer
  REFERENCES products, quantity integer, unit_price numeric(18,2), status text, ordered_at timestamptz,
  paid_at timestamptz, shipped_at timestamptz, delivered_at timestamptz, notes text);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_product_id_idx ON orders (product_id);

INSERT INTO customers SELECT g, 'First' || g, 'Last' || g, 'c' || g || '@example.com', NULL, g || ' Main Street',
  'Berlin', 'DE', timestamptz '2025-01-01 00:00:00+00' + g * interval '1 hour', true
FROM generate_series(1, 300) g;
INSERT INTO products SELECT g, 'SKU-' || g, 'Product ' || g, NULL, 'Kitchen', 9.99 + g, 60,
  timestamptz '2025-01-01 00:00:00+00'
FROM generate_series(1, 60) g;
INSERT INTO orders SELECT g, 1 + g % 300, 1 + g % 60, 1 + g % 3, 10.99,
  (ARRAY['placed', 'paid', 'shipped', 'delivered'])[1 + g % 4],
  timestamptz '2025-02-01 00:00:00+00' + g * interval '1 minute',
  CASE WHEN g % 4 >= 1 THEN timestamptz '2025-02-01 01:00:00+00' + g * interval '1 minute' END,
  CASE WHEN g % 4 >= 2 THEN timestamptz '2025-02-02 00:00:00+00' + g * interval '1 minute' END,
  CASE WHEN g % 4 >= 3 THEN timestamptz '2025-02-04 00:00:00+00' + g * interval '1 minute' END,
  NULL
FROM generate_series(1, 600) g;
