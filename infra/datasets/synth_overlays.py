"""What sellers add on top of product photos: the "psoriasis" (牛皮癣) the service must flag.

Every renderer draws onto an RGB `PIL.Image` in place and returns the boxes [x, y, w, h] of what
it added, so the psoriasis set can label overlay locations. All wording is invented marketplace
boilerplate (no real shop or brand names).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw
from synth import (
    BRANDS_CHINESE,
    BRANDS_LATIN,
    RGB,
    Box,
    FontFace,
    FontLibrary,
    Rng,
    TextStyle,
    boxes_overlap,
    fit_text_size,
    load_font,
    luminosity_matched_colour,
    mix,
    paste_layer,
    promo_colour,
    region_mean_colour,
    render_text,
    rotate_layer,
    set_opacity,
    text_colour_for,
    vertical_gradient_image,
)

PROMO_SLOGANS = (
    "限时特惠",
    "买一送一",
    "爆款直降",
    "新品上市",
    "全场包邮",
    "正品保障",
    "第二件半价",
    "满199减100",
    "今日特价",
    "限量抢购",
    "工厂直销",
    "七天无理由退换",
    "领券立减20元",
    "品质保证 假一赔十",
    "热销10万+",
    "年货节 低至5折",
    "超值套装",
    "下单立减70元",
    "618大促",
    "双11狂欢价",
    "官方旗舰",
    "人气爆款",
    "送运费险",
    "抢先购",
    "顺丰包邮",
    "终身保修",
    "30天无理由退换货",
    "预售到手价",
    "店长推荐",
    "限时秒杀",
    "清仓特卖",
    "买2件打8折",
)
PROMO_SECONDARY = (
    "立即抢购 >",
    "点击购买",
    "活动时间有限",
    "数量有限 售完即止",
    "全国联保",
    "次日达",
    "Limited offer",
    "BEST SELLER",
    "NEW ARRIVAL",
    "HOT SALE",
    "限时 3 天",
)
BADGE_WORDS = (
    "热卖",
    "新品",
    "NEW",
    "HOT",
    "包邮",
    "爆款",
    "推荐",
    "特价",
    "SALE",
    "限量",
    "赠品",
    "正品",
    "5折",
    "秒杀",
    "买1送1",
    "TOP1",
    "直降",
    "首发",
)
SHOP_SUFFIXES = ("旗舰店", "官方店", "专营店", "优品店", "生活馆", "家居馆")


def price_text(rng: Rng) -> str:
    value = rng.choice(
        [
            "9.9",
            "19.9",
            "29",
            "39.9",
            "49",
            "59",
            "69",
            "88",
            "98",
            "99",
            "128",
            "168",
            "199",
            "299",
            "399",
            "1299",
        ]
    )
    formats = ["¥{v}", "¥ {v}", "￥{v}", "{v}元"] + ([] if "." in value else ["¥{v}.00"])
    return rng.choice(formats).format(v=value)


def shop_name(rng: Rng) -> str:
    if rng.chance(0.6):
        return rng.choice(BRANDS_CHINESE) + rng.choice(SHOP_SUFFIXES)
    return rng.choice(BRANDS_LATIN) + rng.choice([" Official", " Store", " 旗舰店", ""])


def watermark_text(rng: Rng) -> str:
    shop = shop_name(rng)
    latin = rng.choice(BRANDS_LATIN).lower().replace(" ", "").replace(".", "").replace("&", "")
    return rng.choice(
        [
            f"© {shop}",
            f"{shop} 版权所有",
            "样图 仅供参考",
            "SAMPLE",
            f"www.{latin}.com",
            "盗图必究",
            f"{latin.upper()} STUDIO",
            f"@{shop}",
            f"图片来源: {shop}",
            f"{shop} 原创实拍",
            "实拍图 盗图必究",
            f"{latin}.shop",
        ]
    )


# --------------------------------------------------------------------------- placement


def find_spot(
    rng: Rng,
    canvas: tuple[int, int],
    size: tuple[int, int],
    avoid: Sequence[Box],
    region: Box | None = None,
    tries: int = 40,
) -> tuple[int, int]:
    """A top-left position for an item of `size` inside `region` avoiding `avoid` boxes.

    Falls back to the least-bad random spot: overlays on real listings often overlap the
    product too, so a crowded canvas is not an error.
    """
    cw, ch = canvas
    rx, ry, rw, rh = region if region is not None else (0, 0, cw, ch)
    w, h = size
    best = (max(0, rx), max(0, ry))
    for _ in range(tries):
        x = rng.integer(rx, max(rx, rx + rw - w))
        y = rng.integer(ry, max(ry, ry + rh - h))
        x, y = min(max(0, x), max(0, cw - w)), min(max(0, y), max(0, ch - h))
        best = (x, y)
        if not any(boxes_overlap((x, y, w, h), b, 4) for b in avoid):
            return best
    return best


def margin_regions(canvas: tuple[int, int], product_boxes: Sequence[Box]) -> list[Box]:
    """Empty bands around the products (top, bottom, left, right) that can hold an overlay."""
    cw, ch = canvas
    if not product_boxes:
        return [(0, 0, cw, ch)]
    x0 = min(b[0] for b in product_boxes)
    y0 = min(b[1] for b in product_boxes)
    x1 = max(b[0] + b[2] for b in product_boxes)
    y1 = max(b[1] + b[3] for b in product_boxes)
    bands = [(0, 0, cw, y0), (0, y1, cw, ch - y1), (0, 0, x0, ch), (x1, 0, cw - x1, ch)]
    return [b for b in bands if b[2] > 40 and b[3] > 30]


def promo_face(rng: Rng, fonts: FontLibrary, text: str) -> FontFace:
    return fonts.pick(rng, text, decorative=rng.chance(0.3), bold=True)


def promo_style(
    rng: Rng, fonts: FontLibrary, text: str, size: int, background: RGB, face: FontFace | None = None
) -> TextStyle:
    """Loud marketplace typography: bold or decorative face, outline stroke, shadow or gradient."""
    face = face or promo_face(rng, fonts, text)
    fill = promo_colour(rng)
    if rng.chance(0.12):
        # Same luminance as the background, different hue: invisible to grey-scale detectors.
        fill = luminosity_matched_colour(rng, background)
    stroke = 0
    stroke_fill: RGB = (255, 255, 255)
    if rng.chance(0.45):
        stroke = max(1, size // rng.integer(12, 20))
        stroke_fill = rng.choice([(255, 255, 255), (20, 20, 20), (255, 230, 0), mix(fill, (0, 0, 0), 0.5)])
    shadow = (max(1, size // 18), max(1, size // 18)) if rng.chance(0.35) else None
    gradient = (mix(fill, (255, 255, 255), 0.35), mix(fill, (0, 0, 0), 0.2)) if rng.chance(0.25) else None
    return TextStyle(
        face,
        size,
        fill=fill,
        fill_gradient=gradient,
        stroke_width=stroke,
        stroke_fill=stroke_fill,
        shadow_offset=shadow,
        shadow_blur=max(1.0, size / 25),
    )


# --------------------------------------------------------------------------- renderers


def add_promo_text(rng: Rng, fonts: FontLibrary, image: Image.Image, avoid: Sequence[Box]) -> list[Box]:
    """1–3 slogans or prices in the empty margins (or across the picture when there is none)."""
    cw, ch = image.size
    boxes: list[Box] = []
    taken = list(avoid)
    regions = margin_regions(image.size, avoid) or [(0, 0, cw, ch)]
    for i in range(rng.integer(1, 3)):
        text = price_text(rng) if (i == 1 or rng.chance(0.25)) else rng.choice(PROMO_SLOGANS)
        if rng.chance(0.2):
            text = rng.choice(["到手价", "券后价", "活动价", "秒杀价"]) + " " + price_text(rng)
        vertical = rng.chance(0.1) and len(text) <= 6 and not any(c.isascii() for c in text)
        size = max(16, int(min(cw, ch) * rng.uniform(0.05, 0.12)))
        face = promo_face(rng, fonts, text)
        # Prefer an empty band wide enough for the text at ≥ 70 % of the wanted size; otherwise
        # the text goes over the picture, as it often does on real listings.
        need_w = (size if vertical else load_font(face, size).getlength(text)) * 0.7
        need_h = (size * len(text) if vertical else size) * 0.9
        roomy = [r for r in regions if r[2] >= need_w and r[3] >= need_h]
        region = rng.weighted(roomy, [r[2] * r[3] for r in roomy]) if roomy else (0, 0, cw, ch)
        if not vertical:
            size = min(size, fit_text_size(face, text, region[2] * 0.95, size, 14))
        background = region_mean_colour(image, region)
        style = promo_style(rng, fonts, text, size, background, face)
        if vertical:
            style = dataclasses.replace(style, vertical=True)
        layer = render_text(text, style)
        if rng.chance(0.25):
            layer = rotate_layer(layer, rng.uniform(-12, 12))
        x, y = find_spot(rng, image.size, layer.size, taken, region)
        box = paste_layer(image, layer, x, y)
        if box:
            boxes.append(box)
            taken.append(box)
    return boxes


def _shape_layer(rng: Rng, shape: str, w: int, h: int, fill: RGB, outline: RGB | None) -> Image.Image:
    """A badge / sticker shape drawn at 3× and box-filtered down for smooth edges."""
    s = 3
    big = Image.new("RGBA", (w * s, h * s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    W, H = w * s, h * s
    ow = max(2, W // 30) if outline else 0
    if shape == "circle":
        draw.ellipse((0, 0, W - 1, H - 1), fill=fill, outline=outline, width=ow)
    elif shape == "starburst":
        points = []
        spikes = rng.integer(12, 20)
        for k in range(spikes * 2):
            r = 0.5 if k % 2 == 0 else rng.uniform(0.38, 0.43)
            a = math.pi * k / spikes
            points.append((W / 2 + r * W * math.cos(a), H / 2 + r * H * math.sin(a)))
        draw.polygon(points, fill=fill, outline=outline, width=ow)
    elif shape == "tag":
        notch = W * 0.18
        draw.polygon(
            [(notch, 0), (W - 1, 0), (W - 1, H - 1), (notch, H - 1), (0, H / 2)],
            fill=fill,
            outline=outline,
            width=ow,
        )
        draw.ellipse(
            (notch * 0.45, H / 2 - H * 0.08, notch * 0.45 + H * 0.16, H / 2 + H * 0.08),
            fill=(255, 255, 255, 255),
        )
    elif shape == "ribbon":
        tail = H * 0.4
        draw.polygon(
            [(0, 0), (W - 1, 0), (W - 1 - tail, H / 2), (W - 1, H - 1), (0, H - 1), (tail, H / 2)],
            fill=fill,
            outline=outline,
            width=ow,
        )
    elif shape == "hexagon":
        draw.polygon(
            [(W * 0.25, 0), (W * 0.75, 0), (W - 1, H / 2), (W * 0.75, H - 1), (W * 0.25, H - 1), (0, H / 2)],
            fill=fill,
            outline=outline,
            width=ow,
        )
    elif shape == "shield":
        draw.polygon(
            [(0, 0), (W - 1, 0), (W - 1, H * 0.6), (W / 2, H - 1), (0, H * 0.6)],
            fill=fill,
            outline=outline,
            width=ow,
        )
    else:
        draw.rounded_rectangle(
            (0, 0, W - 1, H - 1),
            radius=min(W, H) * rng.uniform(0.1, 0.5),
            fill=fill,
            outline=outline,
            width=ow,
        )
    return big.convert("RGBa").resize((w, h), Image.Resampling.BOX).convert("RGBA")


def _text_in_shape(
    rng: Rng, fonts: FontLibrary, layer: Image.Image, lines: Sequence[str], ink: RGB, fill_ratio: float = 0.7
) -> None:
    w, h = layer.size
    count = len(lines)
    y = h * (1 - fill_ratio) / 2
    for i, text in enumerate(lines):
        share = (0.6 if i == 0 else 0.4) if count > 1 else 1.0
        target_h = h * fill_ratio * share
        face = fonts.pick(rng, text, bold=True)
        size = min(fit_text_size(face, text, w * fill_ratio, int(target_h * 0.9), 10), int(target_h * 0.9))
        text_layer = render_text(text, TextStyle(face, max(10, size), fill=ink))
        layer.alpha_composite(
            text_layer,
            (
                max(0, (w - text_layer.width) // 2),
                int(min(h - text_layer.height, y + (target_h - text_layer.height) / 2)),
            ),
        )
        y += target_h


def add_badge(
    rng: Rng, fonts: FontLibrary, image: Image.Image, avoid: Sequence[Box], product_boxes: Sequence[Box]
) -> list[Box]:
    """Price tags, starbursts, circles, ribbons: usually near a corner or on the product's edge."""
    cw, ch = image.size
    boxes: list[Box] = []
    for _ in range(rng.integer(1, 2)):
        shape = rng.choice(["circle", "starburst", "tag", "ribbon", "hexagon", "rounded", "shield", "corner"])
        if shape == "corner":
            boxes.append(_corner_ribbon(rng, fonts, image))
            continue
        side = int(min(cw, ch) * rng.uniform(0.12, 0.26))
        w, h = side, side
        if shape in ("tag", "ribbon", "rounded"):
            w, h = int(side * rng.uniform(1.4, 2.4)), int(side * rng.uniform(0.45, 0.7))
        fill = promo_colour(rng)
        outline = rng.choice([None, (255, 255, 255), (255, 220, 0)])
        layer = _shape_layer(rng, shape, w, h, fill, outline)
        if rng.chance(0.5):
            lines = [rng.choice(BADGE_WORDS), price_text(rng)] if rng.chance(0.5) else [price_text(rng)]
        else:
            lines = [rng.choice(BADGE_WORDS)]
        ink = text_colour_for(rng, fill, 3.0, 21.0, saturated=0.2) if rng.chance(0.7) else (255, 255, 255)
        _text_in_shape(
            rng, fonts, layer, lines, ink, 0.62 if shape in ("circle", "starburst", "hexagon") else 0.7
        )
        if rng.chance(0.3):
            layer = rotate_layer(layer, rng.uniform(-20, 20))
        if product_boxes and rng.chance(0.5):
            # On the product's upper corner, as "new" stickers often are.
            px, py, pw, _ = rng.choice(list(product_boxes))
            x = int(px + pw - layer.width * rng.uniform(0.3, 0.8))
            y = int(py - layer.height * rng.uniform(0.0, 0.5))
            x = min(max(0, x), cw - layer.width)
            y = min(max(0, y), ch - layer.height)
        else:
            corner_regions = [
                (0, 0, cw // 3, ch // 3),
                (cw * 2 // 3, 0, cw // 3, ch // 3),
                (0, ch * 2 // 3, cw // 3, ch // 3),
                (cw * 2 // 3, ch * 2 // 3, cw // 3, ch // 3),
            ]
            x, y = find_spot(rng, image.size, layer.size, list(avoid) + boxes, rng.choice(corner_regions))
        box = paste_layer(image, layer, x, y)
        if box:
            boxes.append(box)
    return boxes


def _corner_ribbon(rng: Rng, fonts: FontLibrary, image: Image.Image) -> Box:
    """A triangular band across a corner with a word on it ("新品", "HOT")."""
    cw, ch = image.size
    size = int(min(cw, ch) * rng.uniform(0.18, 0.3))
    band = int(size * rng.uniform(0.22, 0.3))
    fill = promo_colour(rng)
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    corner = rng.choice(["tl", "tr"])
    if rng.chance(0.5):
        draw.polygon([(0, 0), (size, 0), (0, size)], fill=fill)  # solid triangle
    else:
        draw.polygon([(size - band * 1.4, 0), (size, 0), (0, size), (0, size - band * 1.4)], fill=fill)
    word = rng.choice(BADGE_WORDS)
    face = fonts.pick(rng, word, bold=True)
    text_size = fit_text_size(face, word, size * 0.55, int(band * 0.7), 10)
    text = rotate_layer(render_text(word, TextStyle(face, text_size, fill=(255, 255, 255))), 45)
    layer.alpha_composite(
        text, (max(0, int(size * 0.36 - text.width / 2)), max(0, int(size * 0.36 - text.height / 2)))
    )
    if corner == "tr":
        layer = layer.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    x = 0 if corner == "tl" else cw - size
    return paste_layer(image, layer, x, 0) or (x, 0, size, size)


def add_banner(rng: Rng, fonts: FontLibrary, image: Image.Image) -> list[Box]:
    """A full-width promotional strip across the top or bottom (price block, slogan, button)."""
    cw, ch = image.size
    height = int(ch * rng.uniform(0.1, 0.22))
    at_top = rng.chance(0.35)
    y0 = 0 if at_top else ch - height
    main_colour = promo_colour(rng)
    strip = vertical_gradient_image(
        (cw, height), mix(main_colour, (255, 255, 255), 0.2), mix(main_colour, (0, 0, 0), 0.15)
    )
    layer = strip.convert("RGBA")
    draw = ImageDraw.Draw(layer)
    x_text = int(height * 0.3)
    if rng.chance(0.6):
        # A contrasting price block on the left, slanted on its right edge.
        block_colour = rng.choice([(255, 214, 0), (255, 255, 255), (30, 30, 30), (255, 120, 0)])
        block_w = int(cw * rng.uniform(0.22, 0.32))
        draw.polygon(
            [(0, 0), (block_w + height * 0.25, 0), (block_w, height), (0, height)], fill=block_colour
        )
        price = price_text(rng)
        ink = text_colour_for(rng, block_colour, 4.0, 21.0, saturated=0.8)
        face = fonts.pick(rng, price, bold=True)
        size = fit_text_size(face, price, block_w * 0.85, int(height * 0.6), 12)
        price_layer = render_text(price, TextStyle(face, size, fill=ink))
        layer.alpha_composite(
            price_layer,
            (max(0, (block_w - price_layer.width) // 2), max(0, (height - price_layer.height) // 2)),
        )
        x_text = block_w + int(height * 0.4)
    slogan = rng.choice(PROMO_SLOGANS)
    face = fonts.pick(rng, slogan, decorative=rng.chance(0.25), bold=True)
    ink = text_colour_for(rng, main_colour, 3.0, 21.0, saturated=0.3)
    button_w = int(cw * 0.22) if rng.chance(0.5) else 0
    size = fit_text_size(face, slogan, max(40, cw - x_text - button_w - height * 0.3), int(height * 0.55), 12)
    stroke = max(1, size // 14) if rng.chance(0.3) else 0
    slogan_layer = render_text(
        slogan,
        TextStyle(face, size, fill=ink, stroke_width=stroke, stroke_fill=mix(main_colour, (0, 0, 0), 0.5)),
    )
    layer.alpha_composite(
        slogan_layer,
        (min(x_text, max(0, cw - slogan_layer.width)), max(0, (height - slogan_layer.height) // 2)),
    )
    if button_w:
        secondary = rng.choice(PROMO_SECONDARY)
        bx0 = cw - button_w - int(height * 0.2)
        draw.rounded_rectangle(
            (bx0, height * 0.25, cw - height * 0.2, height * 0.75),
            radius=height * 0.25,
            fill=(255, 255, 255) if rng.chance(0.6) else (255, 220, 0),
        )
        face2 = fonts.pick(rng, secondary, bold=True)
        size2 = fit_text_size(face2, secondary, button_w * 0.85, int(height * 0.3), 10)
        button_text = render_text(secondary, TextStyle(face2, size2, fill=main_colour))
        layer.alpha_composite(
            button_text,
            (bx0 + max(0, (button_w - button_text.width) // 2), max(0, (height - button_text.height) // 2)),
        )
    box = paste_layer(image, layer, 0, y0)
    return [box] if box else []


def add_logo(rng: Rng, fonts: FontLibrary, image: Image.Image) -> list[Box]:
    """A small shop logo in a corner: an emblem plus the shop name."""
    cw, ch = image.size
    height = max(18, int(ch * rng.uniform(0.035, 0.08)))
    name = shop_name(rng) if rng.chance(0.6) else rng.choice(BRANDS_LATIN).upper()
    colour = rng.choice([promo_colour(rng), (20, 20, 20), (200, 30, 30), (0, 90, 170)])
    emblem_size = int(height * 1.2)
    emblem = _shape_layer(
        rng, rng.choice(["circle", "rounded", "hexagon", "shield"]), emblem_size, emblem_size, colour, None
    )
    initial = name[0]
    face = fonts.pick(rng, initial, bold=True)
    letter = render_text(initial, TextStyle(face, int(emblem_size * 0.6), fill=(255, 255, 255)))
    emblem.alpha_composite(
        letter, (max(0, (emblem_size - letter.width) // 2), max(0, (emblem_size - letter.height) // 2))
    )
    face_name = fonts.pick(rng, name, decorative=rng.chance(0.3), bold=rng.chance(0.6))
    name_layer = render_text(
        name, TextStyle(face_name, height, fill=colour if rng.chance(0.7) else (40, 40, 40))
    )
    with_emblem = rng.chance(0.7)
    gap = int(height * 0.3)
    total_w = (emblem_size + gap if with_emblem else 0) + name_layer.width
    total_h = max(emblem_size if with_emblem else 0, name_layer.height)
    logo = Image.new("RGBA", (total_w, total_h), (0, 0, 0, 0))
    x = 0
    if with_emblem:
        logo.alpha_composite(emblem, (0, (total_h - emblem_size) // 2))
        x = emblem_size + gap
    logo.alpha_composite(name_layer, (x, (total_h - name_layer.height) // 2))
    if logo.width > cw * 0.6:
        scale = cw * 0.6 / logo.width
        logo = logo.resize(
            (max(1, int(logo.width * scale)), max(1, int(logo.height * scale))), Image.Resampling.LANCZOS
        )
    margin = int(min(cw, ch) * rng.uniform(0.01, 0.04))
    corner = rng.weighted(["tl", "tr", "bl", "br"], [5, 2, 1, 2])
    x0 = margin if corner in ("tl", "bl") else cw - logo.width - margin
    y0 = margin if corner in ("tl", "tr") else ch - logo.height - margin
    opacity = 1.0 if rng.chance(0.7) else rng.uniform(0.5, 0.9)
    box = paste_layer(image, logo, x0, y0, opacity)
    return [box] if box else []


def _watermark_colour(rng: Rng, image: Image.Image) -> RGB:
    mean = np.asarray(image.convert("L"), np.float32).mean()
    if mean > 170:
        return rng.choice([(0, 0, 0), (90, 90, 90), (150, 150, 150), (200, 30, 30)])
    return rng.choice([(255, 255, 255), (230, 230, 230), (0, 0, 0)])


def add_watermark_tiled(rng: Rng, fonts: FontLibrary, image: Image.Image) -> list[Box]:
    """The same text repeated diagonally over the whole picture, 10–40 % opaque."""
    cw, ch = image.size
    text = watermark_text(rng)
    face = fonts.pick(rng, text, bold=rng.chance(0.5))
    size = max(14, int(min(cw, ch) * rng.uniform(0.03, 0.07)))
    colour = _watermark_colour(rng, image)
    stroke = max(1, size // 16) if rng.chance(0.25) else 0
    tile = render_text(
        text,
        TextStyle(
            face,
            size,
            fill=colour,
            stroke_width=stroke,
            stroke_fill=(255, 255, 255) if sum(colour) < 300 else (0, 0, 0),
        ),
    )
    tile = rotate_layer(tile, rng.choice([1, -1]) * rng.uniform(20, 45))
    opacity = rng.uniform(0.1, 0.4)
    step_x = int(tile.width * rng.uniform(1.2, 2.0))
    step_y = int(tile.height * rng.uniform(1.1, 1.8))
    boxes: list[Box] = []
    offset_x = rng.integer(-tile.width // 2, 0)
    for row, y in enumerate(range(rng.integer(-tile.height // 2, 0), ch, step_y)):
        shift = (step_x // 2) * (row % 2)
        for x in range(offset_x - shift, cw, step_x):
            box = paste_layer(image, tile, x, y, opacity)
            if box and box[2] * box[3] > 64:
                boxes.append(box)
    return boxes


def add_watermark_centre(rng: Rng, fonts: FontLibrary, image: Image.Image) -> list[Box]:
    """One large mark across the middle (shop name, "SAMPLE", an emblem), 15–50 % opaque."""
    cw, ch = image.size
    text = watermark_text(rng)
    face = fonts.pick(rng, text, decorative=rng.chance(0.3), bold=True)
    size = fit_text_size(face, text, cw * rng.uniform(0.4, 0.8), int(ch * 0.18), 16)
    colour = _watermark_colour(rng, image)
    layer = render_text(text, TextStyle(face, size, fill=colour))
    text_w, text_h = layer.size
    ringed = rng.chance(0.35)
    if ringed:
        # A ring emblem around the text, as stock-photo sites do.
        ring_d = int(max(layer.width, layer.height) * 1.25)
        ring = Image.new("RGBA", (ring_d, ring_d), (0, 0, 0, 0))
        ImageDraw.Draw(ring).ellipse(
            (2, 2, ring_d - 3, ring_d - 3), outline=(*colour, 255), width=max(2, ring_d // 40)
        )
        ring.alpha_composite(layer, ((ring_d - layer.width) // 2, (ring_d - layer.height) // 2))
        layer = ring
    angle = rng.uniform(-35, 35) if rng.chance(0.5) else 0.0
    if angle:
        layer = rotate_layer(layer, angle)
    opacity = rng.uniform(0.15, 0.5)
    x = (cw - layer.width) // 2 + rng.integer(-cw // 20, cw // 20)
    y = (ch - layer.height) // 2 + rng.integer(-ch // 20, ch // 20)
    box = paste_layer(image, layer, x, y, opacity)
    if not box or not ringed:
        return [box] if box else []
    # The overlay is the writing, not the ring: the detector boxes text, and a region labelled
    # against the whole emblem would be too small a share of it to count (train_psoriasis's
    # REGION_MIN_SHARE). The text sits at the ring's centre, which rotation keeps.
    cos, sin = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
    span_w, span_h = text_w * cos + text_h * sin, text_w * sin + text_h * cos
    centre_x, centre_y = x + layer.width / 2, y + layer.height / 2
    x0, y0 = max(0, round(centre_x - span_w / 2)), max(0, round(centre_y - span_h / 2))
    x1, y1 = min(cw, round(centre_x + span_w / 2)), min(ch, round(centre_y + span_h / 2))
    return [(x0, y0, x1 - x0, y1 - y0)] if x1 > x0 and y1 > y0 else [box]


def add_watermark_corner(rng: Rng, fonts: FontLibrary, image: Image.Image) -> list[Box]:
    """A small signature in a corner ("@店铺名", a URL), 30–60 % opaque."""
    cw, ch = image.size
    text = watermark_text(rng)
    face = fonts.pick(rng, text, decorative=rng.chance(0.25))
    size = max(14, int(min(cw, ch) * rng.uniform(0.025, 0.05)))
    colour = _watermark_colour(rng, image)
    shadow = (1, 1) if rng.chance(0.3) else None
    layer = render_text(text, TextStyle(face, size, fill=colour, shadow_offset=shadow, shadow_blur=1.0))
    if layer.width > cw * 0.8:
        layer = layer.resize(
            (int(cw * 0.8), max(1, int(layer.height * cw * 0.8 / layer.width))), Image.Resampling.LANCZOS
        )
    margin = int(min(cw, ch) * rng.uniform(0.015, 0.05))
    corner = rng.weighted(["br", "bl", "tr", "tl"], [5, 2, 2, 1])
    x = margin if corner in ("tl", "bl") else cw - layer.width - margin
    y = margin if corner in ("tl", "tr") else ch - layer.height - margin
    box = paste_layer(image, layer, x, y, rng.uniform(0.3, 0.6))
    return [box] if box else []


def add_slogan_on_product(
    rng: Rng, fonts: FontLibrary, image: Image.Image, product_boxes: Sequence[Box]
) -> list[Box]:
    """A slogan photoshopped onto the product body: flat (ignores the surface's perspective and
    lighting), saturated, often outlined or on a sticker shape — still psoriasis."""
    cw, ch = image.size
    if not product_boxes:
        product_boxes = [(cw // 4, ch // 4, cw // 2, ch // 2)]
    px, py, pw, ph = max(product_boxes, key=lambda b: b[2] * b[3])
    text = rng.choice(PROMO_SLOGANS) if rng.chance(0.75) else price_text(rng)
    target_w = min(cw * 0.9, max(pw * rng.uniform(0.6, 1.0), cw * 0.25))
    face = promo_face(rng, fonts, text)
    size = fit_text_size(face, text, target_w, max(18, int(min(ph * 0.25, ch * 0.12))), 16)
    background = region_mean_colour(image, (px, py, pw, ph))
    if rng.chance(0.35):
        # On a sticker: a rounded plate or tag shape behind the text.
        text_layer = render_text(text, TextStyle(face, size, fill=(255, 255, 255)))
        plate_colour = promo_colour(rng)
        plate = _shape_layer(
            rng,
            rng.choice(["rounded", "tag", "ribbon"]),
            int(text_layer.width * 1.3),
            int(text_layer.height * 1.6),
            plate_colour,
            None,
        )
        plate.alpha_composite(
            text_layer, ((plate.width - text_layer.width) // 2, (plate.height - text_layer.height) // 2)
        )
        layer = plate
    else:
        layer = render_text(text, promo_style(rng, fonts, text, size, background, face))
    if rng.chance(0.5):
        layer = rotate_layer(layer, rng.uniform(-15, 15))
    if rng.chance(0.15):
        layer = set_opacity(layer, rng.uniform(0.7, 0.95))
    x = int(px + pw / 2 - layer.width / 2 + rng.uniform(-0.15, 0.15) * pw)
    y = int(py + ph * rng.uniform(0.25, 0.7) - layer.height / 2)
    x = min(max(0, x), max(0, cw - layer.width))
    y = min(max(0, y), max(0, ch - layer.height))
    box = paste_layer(image, layer, x, y)
    return [box] if box else []


OVERLAY_KINDS = (
    "overlay_text",
    "banner",
    "badge",
    "logo",
    "watermark_tiled",
    "watermark_centre",
    "watermark_corner",
    "slogan_on_product",
)


def add_overlay(
    kind: str, rng: Rng, fonts: FontLibrary, image: Image.Image, product_boxes: Sequence[Box]
) -> list[Box]:
    """Dispatch one overlay kind; sometimes a second, different overlay joins (real listings
    rarely carry just one), but never a second kind for watermark-only images."""
    if kind == "overlay_text":
        return add_promo_text(rng, fonts, image, product_boxes)
    if kind == "banner":
        return add_banner(rng, fonts, image)
    if kind == "badge":
        return add_badge(rng, fonts, image, product_boxes, product_boxes)
    if kind == "logo":
        return add_logo(rng, fonts, image)
    if kind == "watermark_tiled":
        return add_watermark_tiled(rng, fonts, image)
    if kind == "watermark_centre":
        return add_watermark_centre(rng, fonts, image)
    if kind == "watermark_corner":
        return add_watermark_corner(rng, fonts, image)
    if kind == "slogan_on_product":
        return add_slogan_on_product(rng, fonts, image, product_boxes)
    raise ValueError(f"unknown overlay kind {kind!r}")
