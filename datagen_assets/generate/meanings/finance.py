"""Finance: accounts, IBAN/BIC, currencies, card numbers passing Luhn, salaries, balances,
tax ids."""

from __future__ import annotations

from datagen_assets.generate.generators import Choice, Format, Normal, Pattern
from datagen_assets.generate.meanings.catalog import add, numeric, vocab
from datagen_assets.generate.meanings.values import Amount, CheckDigits, IntegerChoice

F = "finance"
add(
    "currency_code",
    F,
    "text",
    r"currency( code| iso| iso code)?|iso currency|ccy",
    vocab("currency_code", 1.5),
    lengths=(3, 3),
)
add("currency_name", F, "text", r"currency name", vocab("currency_name", 1.0))
add(
    "iban",
    F,
    "text",
    r"iban( number)?|international bank account( number)?",
    CheckDigits("iban"),
    lengths=(15, 34),
)
add(
    "bic",
    F,
    "text",
    r"bic|swift( code)?|bic code|bank identifier code",
    vocab("swift"),
    lengths=(8, 11),
)
add("routing_number", F, "text", r"routing (number|code)|aba|sort code|bank code", vocab("aba"))
add(
    "account_number",
    F,
    "text",
    r"(bank )?account (number|no)|account",
    Format("{:010d}", 10),
    lengths=(6, 34),
)
add(
    "card_number",
    F,
    "text",
    r"(credit |debit )?card( number)?|cc number|pan|card no",
    CheckDigits("luhn", "4", 16),
    lengths=(13, 19),
)
add(
    "card_last4",
    F,
    "text",
    r"(card )?last (4|four)( digits)?|last4|card suffix",
    Pattern(r"[0-9]{4}"),
    lengths=(4, 4),
)
add("cvv", F, "text", r"cvv|cvc|security code|card code", Pattern(r"[0-9]{3}"), lengths=(3, 4))
add(
    "card_expiry",
    F,
    "text",
    r"(card )?(expiry|expiration)( date)?|exp date|valid thru",
    Pattern(r"(0[1-9]|1[0-2])/(2[6-9]|3[0-1])"),
    lengths=(4, 7),
)
add(
    "salary",
    F,
    "num",
    r"(\w+ )?(salary|wage|wages|pay|compensation|income|earnings)( amount)?",
    numeric(Amount(58_000, 0.45, 18_000, 400_000, 0), Amount(58_000, 0.45, 18_000, 400_000, 2)),
)
add(
    "hourly_rate",
    F,
    "num",
    r"(hourly|day|daily) rate|rate per hour|hourly wage|pay rate",
    Amount(32, 0.45, 8, 400, 2),
)
add(
    "balance",
    F,
    "num",
    r"(\w+ )?balance|credit limit|overdraft( limit)?|available credit",
    Amount(2_500, 1.2, 0, 1_000_000, 2),
)
add(
    "fee",
    F,
    "num",
    r"(\w+ )?(fee|fees|charge|charges|commission|surcharge|penalty|fine)",
    Amount(12, 0.9, 0, 2000, 2),
)
add(
    "budget",
    F,
    "num",
    r"budget|revenue|turnover|sales|profit|cost center budget|spend",
    Amount(150_000, 1.2, 100, 1e9, 2),
)
add(
    "interest_rate",
    F,
    "num",
    r"(interest |apr |annual )?rate|apr|apy|interest",
    numeric(IntegerChoice(1, 15), Normal(4.5, 2.0, 0.1, 25, 2)),
    prior=-0.5,
)
add(
    "exchange_rate",
    F,
    "num",
    r"(exchange|fx|conversion) rate|rate to (usd|eur)",
    Normal(1.1, 0.3, 0.01, 200, 4),
)
add(
    "tax_id",
    F,
    "text",
    r"(tax|vat|ein|tin|fiscal|company registration) (id|number|no|code)|ein|tin|vat",
    vocab("ein"),
    lengths=(8, 20),
)
add(
    "ssn",
    F,
    "text",
    r"ssn|social security( number)?|national (id|insurance)( number)?",
    vocab("ssn"),
    lengths=(9, 11),
)
add("account_type", F, "text", r"account type|account kind", vocab("account_type", 0.8))
add(
    "transaction_type",
    F,
    "text",
    r"transaction type|txn type|entry type|movement type",
    vocab("transaction_type", 0.9),
)
add("fiscal_year", F, "int text", r"fiscal year|financial year|fy", IntegerChoice(2018, 2026))
add("fiscal_quarter", F, "int text", r"(fiscal )?quarter|qtr|fiscal period", IntegerChoice(1, 4))
add(
    "stock_ticker",
    F,
    "text",
    r"ticker( symbol)?|stock symbol|symbol",
    Pattern(r"[A-Z]{3,4}"),
    lengths=(1, 8),
)
add("shares", F, "num", r"shares|share count|number of shares", Amount(500, 1.4, 1, 1e7, 0))

add(
    "credit_score",
    F,
    "num",
    r"(credit|fico|bureau) score|credit rating score",
    Normal(690, 70, 300, 850, 0),
    prior=1,
)
add("loan_term_months", F, "num",
    r"(loan |lease )?term( months| in months| length)?|tenor( months)?",
    Choice((12, 24, 36, 48, 60, 72, 84, 120, 180, 240, 360), (2, 3, 6, 4, 8, 4, 1, 1, 2, 1, 4)),
    tables=r"loan|mortgage|lease|credit|financ|contract", needs_table=True)  # fmt: skip
add("loan_principal", F, "num", r"principal( amount)?|loan amount|amount financed|original balance",
    Amount(18_000, 1.0, 500, 5_000_000, 2))  # fmt: skip
add("monthly_payment", F, "num", r"(monthly |installment |instalment )?(payment|installment|emi)"
    r"( amount)?", Amount(450, 0.8, 10, 50_000, 2),
    tables=r"loan|mortgage|lease|credit|financ", needs_table=True, prior=1)  # fmt: skip
