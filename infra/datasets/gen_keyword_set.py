"""Generate a labelled chaoxin (炒信) keyword set: product-like images with planted solicitations.

    python infra/datasets/gen_keyword_set.py --out build/datasets/keyword --n 300 --seed 0

Writes images plus `labels_keyword.csv` with columns `file,present,forms,decoys,contacts,lines,layout`:
- `present`: canonical keywords printed, `|`-separated, one entry per printed occurrence (so a
  keyword printed twice in two disguises appears twice), from 微信, QQ, 代理, 刷单, 返现, 兼职,
  水分, 加V, 电话;
- `forms`: the printed form of each occurrence, same order (薇信, VX, 扣扣, 刷單, 好评返现, 加Ｖ…);
  a literal space or dot is part of the form (微 信, 微·信), while letter-spacing applied when
  rendering a whole line is not;
- `decoys`: benign words printed that share characters with keywords (微笑, 微波炉, 信用卡, 代金券,
  刷新, 牙刷, 兼容, 返回, 卫星导航…). Some decoys contain a keyword literally — 微信支付 and
  支持微信支付 (WeChat Pay accepted), 电话手表, 手机壳 — and are NOT solicitations: a service that
  only does substring search will flag them, which is what this column lets you measure;
- `contacts`: the contact ids and numbers printed after the keywords (WeChat ids, QQ numbers,
  phone numbers), for evaluating digit-run and id detection;
- `lines`: every text line printed in the image (planted, benign and decoy), `|`-separated;
  the print on products in `product_photo` images is not listed (it never holds a keyword form);
- `layout`: `product_photo`, `promo_banner`, `text_card` or `photo_texture`.

About 30 % of the images are negatives (no keyword; benign product text and decoys), in
blocks of 10 so any n ≥ 10 holds both. The text stays legible to a person — the set measures
OCR plus matching, not perception — but includes harder cases: light-on-light text at moderate
contrast, outlined text on busy backgrounds, decorative and calligraphic fonts, 14 px text,
rotation up to ±15°, vertical columns and letter-spaced text.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from synth import (
    BRANDS_CHINESE,
    BRANDS_LATIN,
    Box,
    FontFace,
    FontLibrary,
    Job,
    Rng,
    TextStyle,
    balanced_kind,
    boxes_overlap,
    default_workers,
    discover_fonts,
    font_size_for_height,
    mix,
    paste_layer,
    promo_colour,
    random_canvas_size,
    random_colour,
    random_save_format,
    region_mean_colour,
    render_text,
    resolve_out_dir,
    rotate_layer,
    run_jobs,
    save_image,
    text_colour_for,
    to_image,
    vertical_gradient_image,
    write_labels,
)
from synth_products import GARMENT_PRINTS, INGREDIENTS, NAMES_BY_KIND, NAMES_CHINESE, NET_CONTENT, SMALL_PRINT
from synth_scenes import (
    ShadowSpec,
    coloured_background,
    linear_gradient,
    radial_gradient,
    scene_background,
    solid,
    stage_products,
)

DATASET = "keyword"
COLUMNS = ("file", "present", "forms", "decoys", "contacts", "lines", "layout")
KIND_CYCLE = ("positive",) * 7 + ("negative",) * 3
LAYOUTS = ("product_photo", "promo_banner", "text_card", "photo_texture")

# Printed forms of each canonical keyword, including the disguises sellers use.
KEYWORD_FORMS: dict[str, tuple[str, ...]] = {
    "微信": (
        "微信",
        "薇信",
        "威信",
        "徽信",
        "V信",
        "VX",
        "vx",
        "wx",
        "WX",
        "微 信",
        "微·信",
        "绿泡泡",
        "Ｖ信",
        "vx号",
    ),
    "QQ": ("QQ", "Q Q", "扣扣", "企鹅号", "ＱＱ", "qq", "Q号"),
    "代理": ("代理", "代 理"),
    "刷单": ("刷单", "刷單", "刷 单"),
    "返现": ("返现", "返現", "好评返现", "返 现"),
    "兼职": ("兼职", "兼職", "兼 职"),
    "水分": ("水分",),
    "加V": ("加V", "加Ｖ", "＋v", "+V", "加v", "＋V"),
    "电话": ("电话", "手机", "联系电话", "手机号"),
}
# Benign phrases built around words that share characters with keywords. The decoy words in
# DECOYS_WITH_KEYWORD contain a keyword form literally but are not solicitations.
DECOY_PHRASES: dict[str, tuple[str, ...]] = {
    "微笑": ("微笑服务", "微笑曲线设计"),
    "微波炉": ("可放微波炉加热", "微波炉适用"),
    "信用卡": ("支持信用卡分期", "信用卡免息"),
    "代金券": ("领取代金券", "满减代金券"),
    "刷新": ("每日刷新", "刷新率144Hz"),
    "牙刷": ("电动牙刷", "软毛牙刷 4支装"),
    "兼容": ("兼容多种机型", "全面兼容 iOS/安卓"),
    "返回": ("点击返回首页", "返回顶部"),
    "卫星导航": ("卫星导航定位", "支持北斗卫星导航"),
    "现货": ("现货速发", "现货 当天发"),
    "职业装": ("职业装套装",),
    "刷卡": ("支持刷卡",),
    "理发器": ("家用理发器",),
    "水果": ("新鲜水果 产地直发",),
    "分期": ("12期免息分期",),
    "微信支付": ("微信支付", "微信支付 立减5元"),
    "支持微信支付": ("支持微信支付", "本店支持微信支付"),
    "电话手表": ("儿童电话手表",),
    "手机壳": ("手机壳 全包防摔",),
}
DECOYS_WITH_KEYWORD = frozenset({"微信支付", "支持微信支付", "电话手表", "手机壳"})
BENIGN_LINES = (
    "纯棉透气 四季可穿",
    "大容量 超长续航",
    "支持七天无理由退货",
    "全国包邮",
    "正品保证",
    "买二送一",
    "新品上市",
    "限时折扣",
    "进口原料 安心之选",
    "精选好物",
    "温和不刺激",
    "厂家直销",
    "加厚款 更耐用",
    "轻薄便携",
    "防水防尘",
    "一键开关",
    "高清大屏",
    "静音设计",
    "食品级材质",
    "无添加 更健康",
    "简约北欧风",
    "人体工学设计",
    "快充 30分钟充满",
    "多色可选",
    "尺码齐全",
    "经典款 百搭",
    "今日下单 明日送达",
    "品质生活 从这里开始",
    "买贵必赔",
    "店铺热销第一",
    "限量发售",
    "新年礼盒装",
    "适用于 6-12 岁",
    "环保可降解",
    "产品参数",
    "商品详情",
    "规格: 500ml x 12瓶",
    "颜色: 雾霾蓝",
    "材质: 304不锈钢",
    "产地: 浙江",
    "保质期 18个月",
    "专柜同款",
    "送运费险",
    "前100名半价",
    "满299减50",
)
SOLICITATION_TEMPLATES: tuple[tuple[str, ...], ...] = (
    # Each template is a sequence of parts: {微信} etc. are keyword slots, {wxid}/{qq}/{phone}
    # are contact slots, anything else is literal text.
    (
        "加",
        "{微信}",
        "领优惠",
    ),
    (
        "加",
        "{微信}",
        " 送小礼品",
    ),
    (
        "{微信}",
        ": ",
        "{wxid}",
    ),
    (
        "{微信}",
        "号: ",
        "{wxid}",
    ),
    (
        "{返现}",
        "5元",
    ),
    (
        "晒图",
        "{返现}",
        "10元 ",
        "{加V}",
        "领取",
    ),
    (
        "招",
        "{代理}",
        " 日结",
    ),
    (
        "诚招",
        "{代理}",
        " 联系",
        "{微信}",
        ": ",
        "{wxid}",
    ),
    (
        "{兼职}",
        "{刷单}",
        " 联系",
        "{微信}",
        ": ",
        "{wxid}",
    ),
    (
        "在家",
        "{兼职}",
        " 日赚300",
    ),
    (
        "{刷单}",
        "返佣 ",
        "{加V}",
        " ",
        "{wxid}",
    ),
    (
        "{QQ}",
        ": ",
        "{qq}",
    ),
    (
        "售后请加",
        "{QQ}",
        " ",
        "{qq}",
    ),
    (
        "{电话}",
        ": ",
        "{phone}",
    ),
    (
        "咨询",
        "{电话}",
        " ",
        "{phone}",
    ),
    (
        "{加V}",
        ": ",
        "{wxid}",
    ),
    (
        "{加V}",
        "领红包",
    ),
    (
        "好评截图 ",
        "{返现}",
        " 找客服",
    ),
    (
        "销量无",
        "{水分}",
        " 真实评价",
    ),
    (
        "专业补单 去",
        "{水分}",
        " ",
        "{QQ}",
        " ",
        "{qq}",
    ),
    (
        "{代理}",
        "加盟 ",
        "{电话}",
        " ",
        "{phone}",
    ),
)


@dataclass
class PlantedLine:
    text: str
    keywords: list[tuple[str, str]]  # (canonical, printed form)
    contacts: list[str]
    decoys: list[str]


def wechat_id(rng: Rng) -> str:
    """A plausible WeChat id that does not itself contain a keyword form (no "wx", "qq"…)."""
    letters = "abcdefghijkmnpqrstuyz"  # no v, w, x: ids must not spell vx / wx by chance
    while True:
        head = "".join(rng.choice(letters) for _ in range(rng.integer(2, 6)))
        digits = "".join(rng.choice("0123456789") for _ in range(rng.integer(3, 8)))
        value = rng.choice(
            [f"{head}_{digits}", f"{head}{digits}", f"{head.capitalize()}{digits}", f"{head}-{digits}"]
        )
        if not _contains_form(value):
            return value


def qq_number(rng: Rng) -> str:
    return str(rng.integer(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.integer(5, 9)))


def phone_number(rng: Rng) -> str:
    digits = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    style = rng.choice(["plain", "spaced", "dashed"])
    if style == "spaced":
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == "dashed":
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return digits


def solicitation(rng: Rng) -> PlantedLine:
    template = rng.choice(SOLICITATION_TEMPLATES)
    text = ""
    keywords: list[tuple[str, str]] = []
    contacts: list[str] = []
    for part in template:
        if part.startswith("{") and part.endswith("}"):
            slot = part[1:-1]
            if slot == "wxid":
                value = wechat_id(rng)
                contacts.append(value)
            elif slot == "qq":
                value = qq_number(rng)
                contacts.append(value)
            elif slot == "phone":
                value = phone_number(rng)
                contacts.append(value)
            else:
                # The plain form stays the most common; spaced-out forms are the rarest disguise.
                forms = KEYWORD_FORMS[slot]
                value = rng.weighted(
                    forms, [4.0 if i == 0 else 0.7 if " " in f else 1.0 for i, f in enumerate(forms)]
                )
                if slot == "返现" and value == "好评返现" and "好评" in text:
                    value = "返现"
                keywords.append((slot, value))
            text += value
        else:
            text += part
    return PlantedLine(text, keywords, contacts, [])


def decoy_lines(rng: Rng, count: int) -> list[PlantedLine]:
    return [
        PlantedLine(rng.choice(DECOY_PHRASES[d]), [], [], [d]) for d in rng.sample(list(DECOY_PHRASES), count)
    ]


def benign_lines(rng: Rng, count: int) -> list[PlantedLine]:
    return [PlantedLine(text, [], [], []) for text in rng.sample(BENIGN_LINES, count)]


def _contains_form(text: str) -> bool:
    lowered = text.lower()
    return any(form.lower() in lowered for forms in KEYWORD_FORMS.values() for form in forms)


def check_vocabulary() -> None:
    """Benign lines must not contain any keyword form; only decoys flagged True may."""
    product_print = (
        *BRANDS_LATIN,
        *BRANDS_CHINESE,
        *NAMES_CHINESE,
        *NET_CONTENT,
        *INGREDIENTS,
        *SMALL_PRINT,
        *GARMENT_PRINTS,
        *(name for names in NAMES_BY_KIND.values() for name in names),
    )
    for line in (*BENIGN_LINES, *product_print):
        if _contains_form(line):
            raise AssertionError(f"benign line or product print contains a keyword form: {line}")
    for decoy, phrases in DECOY_PHRASES.items():
        for phrase in phrases:
            if decoy not in phrase or _contains_form(phrase) != (decoy in DECOYS_WITH_KEYWORD):
                raise AssertionError(f"decoy {decoy!r} in {phrase!r}: missing, or literal keyword flag wrong")


# --------------------------------------------------------------------------- backgrounds


def busy_banner(rng: Rng, w: int, h: int) -> Image.Image:
    """A loud promo backdrop: gradient, rays, confetti circles and stripes."""
    a, b = promo_colour(rng), promo_colour(rng)
    image = vertical_gradient_image((w, h), a, mix(b, (0, 0, 0), 0.2))
    draw = ImageDraw.Draw(image, "RGBA")
    cx, cy = rng.integer(0, w), rng.integer(0, h)
    if rng.chance(0.6):
        for k in range(0, 360, 15):
            ray = np.deg2rad([k, k + 7])
            far = 2 * max(w, h)
            draw.polygon(
                [
                    (cx, cy),
                    (cx + far * np.cos(ray[0]), cy + far * np.sin(ray[0])),
                    (cx + far * np.cos(ray[1]), cy + far * np.sin(ray[1])),
                ],
                fill=(255, 255, 255, 28),
            )
    for _ in range(rng.integer(10, 40)):
        r = rng.integer(4, max(6, min(w, h) // 12))
        x, y = rng.integer(0, w), rng.integer(0, h)
        colour = (*random_colour(rng, (0.5, 1.0), (0.7, 1.0)), rng.integer(60, 200))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    if rng.chance(0.5):
        stripe = rng.integer(20, 60)
        for x in range(-h, w, stripe * 2):
            draw.polygon([(x, h), (x + stripe, h), (x + stripe + h, 0), (x + h, 0)], fill=(255, 255, 255, 20))
    return image


def photo_texture(rng: Rng, w: int, h: int) -> Image.Image:
    return to_image(scene_background(rng, h, w))


def text_card(rng: Rng, w: int, h: int) -> Image.Image:
    style = rng.choice(["white", "paper", "gradient", "pastel"])
    if style == "white":
        return to_image(solid(h, w, (255, 255, 255)))
    if style == "paper":
        base = solid(h, w, (245, 240, 228)) + rng.gen.normal(0, 3, (h, w, 1)).astype(np.float32)
        return to_image(np.clip(base, 0, 255))
    if style == "gradient":
        c = random_colour(rng, (0.1, 0.5), (0.8, 1.0))
        return to_image(linear_gradient(h, w, c, mix(c, (255, 255, 255), 0.7)))
    return to_image(
        radial_gradient(
            h, w, mix(random_colour(rng), (255, 255, 255), 0.8), mix(random_colour(rng), (255, 255, 255), 0.5)
        )
    )


def product_photo(rng: Rng, fonts: FontLibrary, w: int, h: int) -> tuple[Image.Image, list[Box]]:
    style = rng.choice(["white", "white", "colour", "scene"])
    if style == "white":
        background = solid(h, w, (255, 255, 255))
    elif style == "colour":
        background = coloured_background(rng, h, w)
    else:
        background = scene_background(rng, h, w)
    stage, _ = stage_products(
        rng,
        background,
        fonts,
        fill=(0.35, 0.6),
        shadow=ShadowSpec(0.4, 0.15),
        print_probability=0.3,
        centre=(rng.uniform(0.35, 0.65), rng.uniform(0.4, 0.6)),
    )
    return to_image(stage.pixels), stage.product_boxes


# --------------------------------------------------------------------------- text placement


@dataclass
class Placement:
    box: Box
    line: PlantedLine


def pick_face_and_size(rng: Rng, fonts: FontLibrary, text: str, height: int) -> tuple[FontFace, int]:
    face = fonts.pick(rng, text, decorative=rng.chance(0.35), allow_latin=False)
    return face, font_size_for_height(face, text, height)


def colour_style(
    rng: Rng, face: FontFace, size: int, background: tuple[int, int, int], busy: bool, hard: bool
) -> TextStyle:
    """Legible colours for `background`; `hard` picks light-on-light or outlined text that
    defeats naive OCR but not a person."""
    if hard and not busy and rng.chance(0.5):
        fill = text_colour_for(rng, background, 2.0, 3.0)
    else:
        fill = text_colour_for(rng, background, 2.5 if busy else 4.0, 21.0, saturated=0.5)
    stroke, stroke_fill = 0, (255, 255, 255)
    if busy or (hard and rng.chance(0.5)) or rng.chance(0.15):
        stroke = max(1, size // rng.integer(10, 16))
        stroke_fill = (0, 0, 0) if sum(fill) > 380 else (255, 255, 255)
    shadow = (max(1, size // 20), max(1, size // 20)) if rng.chance(0.15) else None
    return TextStyle(
        face,
        size,
        fill=fill,
        stroke_width=stroke,
        stroke_fill=stroke_fill,
        shadow_offset=shadow,
        shadow_blur=1.2,
    )


def place_lines(
    rng: Rng, fonts: FontLibrary, image: Image.Image, lines: list[PlantedLine], avoid: list[Box], busy: bool
) -> list[Placement]:
    """Put each line somewhere free, in order (callers put planted lines first so they are never
    crowded out). A line that finds no room even when shrunk is not printed, and not labelled."""
    cw, ch = image.size
    placed: list[Placement] = []
    taken = list(avoid)
    for line in lines:
        hard = rng.chance(0.25)
        height = rng.integer(14, 80) if rng.chance(0.8) else rng.integer(14, 24)
        height = min(height, max(14, ch // 8))
        if hard:
            height = max(height, 26)
        # Vertical columns only for short runs of CJK characters, as they appear on real posters.
        vertical = (
            rng.chance(0.1) and len(line.text) <= 9 and all("\u4e00" <= c <= "\u9fff" for c in line.text)
        )
        angle = rng.uniform(-15, 15) if rng.chance(0.3) else 0.0
        tracking = rng.uniform(0.05, 0.6) if rng.chance(0.12) else 0.0
        face, size = pick_face_and_size(rng, fonts, line.text, height)
        for _ in range(5):
            # Measure with a neutral colour first: the final colour depends on where it lands.
            probe = TextStyle(
                face,
                size,
                stroke_width=max(1, size // 10),
                shadow_offset=(2, 2),
                tracking=tracking,
                vertical=vertical,
            )
            layer = rotate_layer(render_text(line.text, probe), angle)
            spot = _free_spot(rng, (cw, ch), layer.size, taken)
            if spot is None:
                size = max(font_size_for_height(face, line.text, 14), int(size * 0.75))
                continue
            x, y = spot
            local = region_mean_colour(image, (x, y, layer.width, layer.height))
            local_busy = busy or _is_busy(image, (x, y, layer.width, layer.height))
            style = dataclasses.replace(
                colour_style(rng, face, size, local, local_busy, hard), tracking=tracking, vertical=vertical
            )
            layer = rotate_layer(render_text(line.text, style), angle)
            box = paste_layer(image, layer, x, y)
            if box:
                placed.append(Placement(box, line))
                taken.append(box)
            break
    return placed


def _is_busy(image: Image.Image, box: Box) -> bool:
    x, y, w, h = box
    patch = np.asarray(image.crop((x, y, x + max(1, w), y + max(1, h))).convert("L"), np.float32)
    return float(patch.std()) > 28.0


def _free_spot(
    rng: Rng, canvas: tuple[int, int], size: tuple[int, int], taken: list[Box]
) -> tuple[int, int] | None:
    cw, ch = canvas
    w, h = size
    if w >= cw or h >= ch:
        return None
    for _ in range(60):
        x, y = rng.integer(0, cw - w), rng.integer(0, ch - h)
        if not any(boxes_overlap((x, y, w, h), b, 6) for b in taken):
            return x, y
    return None


# --------------------------------------------------------------------------- images


def make_image(job: Job) -> dict[str, str]:
    rng = Rng(job.seed, DATASET, job.index)
    kind = balanced_kind(job.seed, DATASET, job.index, KIND_CYCLE)
    fonts = discover_fonts()
    max_side = job.options.get("max_side")
    w, h = random_canvas_size(rng, 500, int(max_side) if isinstance(max_side, int) else 1400)
    layout = rng.choice(LAYOUTS)
    avoid: list[Box] = []
    busy = False
    if layout == "product_photo":
        image, product_boxes = product_photo(rng, fonts, w, h)
        # Text may cross the product now and then, but mostly sits beside it.
        avoid = product_boxes if rng.chance(0.7) else []
    elif layout == "promo_banner":
        image = busy_banner(rng, w, h)
        busy = True
    elif layout == "text_card":
        image = text_card(rng, w, h)
    else:
        image = photo_texture(rng, w, h)
        busy = rng.chance(0.5)
    lines: list[PlantedLine] = []
    if kind == "positive":
        lines += [solicitation(rng) for _ in range(rng.weighted([1, 2, 3], [6, 3, 1]))]
    decoy_count = rng.integer(2, 4) if kind == "negative" else rng.integer(0, 2)
    lines += decoy_lines(rng, decoy_count)
    lines += benign_lines(rng, rng.integer(2, 6) if kind == "negative" else rng.integer(1, 4))
    ordered = [line for line in lines if line.keywords] + rng.shuffled(
        [line for line in lines if not line.keywords]
    )
    placements = place_lines(rng, fonts, image, ordered, avoid, busy)
    fmt = random_save_format(rng, png_share=0.15, quality=(60, 95))
    name = save_image(image, Path(job.out_dir), f"kw_{job.index:05d}", fmt)
    keywords = [kw for p in placements for kw in p.line.keywords]
    return {
        "file": name,
        "present": "|".join(k for k, _ in keywords),
        "forms": "|".join(f for _, f in keywords),
        "decoys": "|".join(d for p in placements for d in p.line.decoys),
        "contacts": "|".join(c for p in placements for c in p.line.contacts),
        "lines": "|".join(p.line.text for p in placements),
        "layout": layout,
    }


def generate(
    out: str | Path,
    n: int,
    seed: int,
    workers: int | None = None,
    max_side: int | None = None,
    progress: bool = True,
) -> Path:
    check_vocabulary()
    out_dir = resolve_out_dir(out)
    jobs = [Job(i, seed, str(out_dir), {"max_side": max_side}) for i in range(n)]
    rows = run_jobs(make_image, jobs, workers if workers is not None else default_workers(), progress)
    labels = out_dir / "labels_keyword.csv"
    write_labels(labels, COLUMNS, rows)
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="build/datasets/keyword")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    labels = generate(args.out, args.n, args.seed, args.workers)
    print(f"wrote {args.n} images and {labels} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
