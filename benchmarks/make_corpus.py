"""Write a synthetic review collection shaped like the real one, for benchmarks.

    python benchmarks/make_corpus.py PATH/TO/corpus-10k --reviews 10000
    python benchmarks/make_corpus.py PATH/TO/corpus-100k --reviews 100000

Realistic shape: brands with product lines and model numbers with hyphens, digits and suffixes
(`Korvane KX-1200 MkII`, `Velda HD 650S`), a long-tail tag vocabulary (a few common categories,
thousands of tags used once), about 6 KB of body in eight sections, and every English product with
a Japanese twin (same `ref`) plus a company review per brand and language. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

_SYLLABLES = "ka ro ven lu mi sa to re dai no ter vi xa qu zen fo la pi ek mor an ti su hel bra"
SYLLABLES = _SYLLABLES.split()
SERIES = ["HX", "HD", "DT", "KX", "AT", "SR", "MX", "ZX", "LS", "BR", "QC", "EF", "PM", "UA", "TY", "RK", "ND", "VX"]
SUFFIXES = ["", "", "", "S", "X", "Pro", "MkII", "SE", "Plus", "V2", "BT", "Ultra"]
CATEGORIES = [
    ("Headphones", "ヘッドホン"),
    ("In-Ear Monitors", "イヤホン"),
    ("DAC", "DAC"),
    ("Headphone Amplifier", "ヘッドホンアンプ"),
    ("Speakers", "スピーカー"),
    ("Subwoofer", "サブウーファー"),
    ("Studio Monitor", "スタジオモニター"),
    ("Microphone", "マイク"),
    ("Turntable", "レコードプレーヤー"),
    ("Network Streamer", "ネットワークプレーヤー"),
]
COMMON_TAGS = [
    "Open-Back",
    "Closed-Back",
    "Wireless",
    "Bluetooth",
    "Balanced",
    "Portable",
    "Desktop",
    "Budget",
    "Flagship",
]
_EN_WORDS = (
    "the measured frequency response stays within a narrow window across the audible band while "
    "distortion remains low at normal listening levels and the amplifier section drives "
    "difficult loads with ease channel balance tracking impedance sensitivity noise floor "
    "crosstalk jitter resolution dynamic range driver enclosure tweeter woofer crossover "
    "diaphragm magnet planar magnetic ribbon cable connector firmware update warranty support "
    "reliability build quality cost performance alternative cheaper equivalent measurement "
    "third party review data shows that the design philosophy is rational and LDAC aptX codec "
    "latency battery charging case fit comfort clamp pads isolation leakage"
)
EN_WORDS = _EN_WORDS.split()
_JA_WORDS = (
    "周波数特性 は 可聴帯域 全体 で 平坦 で あり 歪み も 低い 水準 に "
    "抑え られて いる 測定 データ によれば アンプ 部 は 駆動力 が 高く "
    "ノイズフロア も 十分 に 低い 音質 の 評価 は 科学的 根拠 に 基づく "
    "べき で ある コストパフォーマンス 信頼性 サポート 設計思想 の 合理性 "
    "ドライバー 筐体 ケーブル 端子 ファームウェア 保証 価格 同等 性能 の "
    "製品 より 安価 な 代替 が 存在 する"
)
JA_WORDS = _JA_WORDS.split()


def words(rng: random.Random, vocab: list[str], count: int, sep: str) -> str:
    return sep.join(rng.choices(vocab, k=count))


def paragraphs(rng: random.Random, ja: bool, count: int) -> list[str]:
    vocab, sep, size = (JA_WORDS, "", 110) if ja else (EN_WORDS, " ", 120)
    out = []
    for _ in range(count):
        text = words(rng, vocab, size, sep)
        out.append(text[0].upper() + text[1:] + ("。" if ja else "."))
    return out


EN_HEADINGS = [
    "Overview",
    "Scientific Validity",
    "Technology Level",
    "Cost-Performance",
    "Reliability & Support",
    "Rationality of Design Philosophy",
    "Advice",
    "References",
]
JA_HEADINGS = [
    "概要",
    "科学的有効性",
    "技術レベル",
    "コストパフォーマンス",
    "信頼性・サポート",
    "設計思想の合理性",
    "アドバイス",
    "参考情報",
]


def body(rng: random.Random, pool: list[str], scores: list[float], name: str, ja: bool) -> str:
    headings = JA_HEADINGS if ja else EN_HEADINGS
    parts = []
    for index, heading in enumerate(headings):
        parts.append(f"## {heading}\n")
        if 1 <= index <= 5:
            parts.append(f"$$ \\Large \\text{{{scores[index - 1]}}} $$\n")
        if heading in ("References", "参考情報"):
            parts.append(f"[1] {name} specifications, https://example.com/{rng.randrange(10**6)}\n")
        else:
            parts.append(f"{name} " + rng.choice(pool) + "\n")
    return "\n".join(parts)


def quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def review_file(fields: dict[str, str], text: str) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\n\n" + text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="the folder to write (PATH/TO/corpus-100k)")
    parser.add_argument("--reviews", type=int, default=10_000, help="files in all (products and companies)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    en_pool, ja_pool = paragraphs(rng, False, 600), paragraphs(rng, True, 600)
    brands_count = max(5, args.reviews // 25)
    brands: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(brands) < brands_count:
        name = "".join(rng.choices(SYLLABLES, k=rng.choice((2, 3)))).capitalize()
        if name.lower() not in seen:
            seen.add(name.lower())
            brands.append((name, name.lower()))
    tail_tags = [words(rng, SYLLABLES, 2, "").capitalize() + str(rng.randrange(100)) for _ in range(args.reviews // 3)]
    products = (args.reviews - 2 * brands_count) // 2
    written = 0
    refs: set[str] = set()
    for number in range(products):
        brand, company = rng.choice(brands)
        while True:
            series = rng.choice(SERIES)
            model = f"{series}{rng.choice(['-', '', ' '])}{rng.randrange(1, 9999)}{rng.choice(SUFFIXES)}".strip()
            target = f"{brand} {model}"
            ref = "-".join(target.lower().replace("/", " ").split())
            if ref not in refs:
                refs.add(ref)
                break
        category_en, category_ja = rng.choice(CATEGORIES)
        criteria = [round(rng.uniform(0.2, 1.0), 1) for _ in range(5)]
        overall = round(sum(criteria), 1)
        tags_en = [category_en, *rng.sample(COMMON_TAGS, 2), rng.choice(tail_tags), brand, model]
        tags_ja = [category_ja, *rng.sample(COMMON_TAGS, 2), rng.choice(tail_tags), brand, model]
        price = round(rng.lognormvariate(5.5, 1.2), rng.choice((0, 0, 2)))
        date = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        for lang, tags, pool, ja in (("en", tags_en, en_pool, False), ("ja", tags_ja, ja_pool, True)):
            title = f"{target} {'製品レビュー' if ja else 'Product Review'}"
            summary = (
                f"{category_ja}。" + words(rng, JA_WORDS, 20, "")
                if ja
                else f"A {category_en.lower()} " + words(rng, EN_WORDS, 18, " ")
            )
            fields = {
                "layout": "product",
                "title": quote(title),
                "target_name": quote(target),
                "company_id": company,
                "lang": lang,
                "ref": ref,
                "date": date,
                "rating": f"[{overall}, {', '.join(map(str, criteria))}]",
                "price": f"{price * 150:.0f}" if ja else f"{price:g}",
                "summary": quote(summary),
                "tags": "[" + ", ".join(tags) + "]",
                "permalink": f"/products/{lang}/{ref}/",
            }
            path = args.root / "_products" / lang / company / f"{ref}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(review_file(fields, body(rng, pool, criteria, target, ja)), encoding="utf-8")
            written += 1
        if number % 5000 == 0:
            print(f"{written} files", flush=True)
    for brand, company in brands:
        criteria = [round(rng.uniform(0.3, 1.0), 1) for _ in range(5)]
        for lang, pool, ja in (("en", en_pool, False), ("ja", ja_pool, True)):
            fields = {
                "layout": "company",
                "title": quote(f"{brand} {'企業レビュー' if ja else 'Company Review'}"),
                "target_name": quote(brand),
                "company_id": company,
                "lang": lang,
                "ref": company,
                "date": "2025-06-01",
                "rating": f"[{round(sum(criteria), 1)}, {', '.join(map(str, criteria))}]",
                "summary": quote(f"{brand} makes audio equipment."),
                "tags": f"[Company, {brand}]",
                "permalink": f"/companies/{lang}/{company}/",
            }
            path = args.root / "_companies" / lang / f"{company}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(review_file(fields, body(rng, pool, criteria, brand, ja)), encoding="utf-8")
            written += 1
    print(f"{written} files in {args.root}")


if __name__ == "__main__":
    main()
