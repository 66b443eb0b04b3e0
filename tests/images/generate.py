"""Golden images for the decode gate, the white-background rules and the keyword and psoriasis APIs,
made by code, never by hand.

    PYTHONPATH=shared:infra/datasets python tests/images/generate.py   # rewrites the committed files

(``infra/datasets`` holds the product and overlay renderers the psoriasis cases reuse; pytest has
it on its ``pythonpath`` already.)

Large inputs (pixel bombs) are not committed: tests call ``pixel_bomb_png`` and friends at run time.
Every image is deterministic (fixed seeds, no timestamps in PNG/JPEG metadata). The keyword cards
are rendered with the CJK fonts ``infra/setup.sh`` installs (Debian fonts-noto-cjk, fonts-lxgw-wenkai,
fonts-arphic-ukai); ``KEYWORD_CARDS`` says what each one prints, so tests derive their expectations
from it. The psoriasis cases (``PSORIASIS_CASES``) are product shots from the dataset generators
with one overlay each. The same script writes the keyword and psoriasis events in ``tests/events/``.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

if TYPE_CHECKING:
    from synth import FontFace

HERE = Path(__file__).resolve().parent
EVENTS = HERE.parent / "events"
SIZE = 400


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def _product(
    canvas: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int] = (40, 90, 160)
) -> None:
    """A rounded 'bottle' with a label and a highlight: enough structure for a product box."""
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle(box, radius=(box[2] - box[0]) // 5, fill=colour)
    x0, y0, x1, y1 = box
    draw.rectangle((x0 + 10, y0 + (y1 - y0) // 3, x1 - 10, y0 + (y1 - y0) // 2), fill=(230, 200, 60))
    draw.line((x0 + 12, y0 + 10, x0 + 12, y1 - 10), fill=(120, 170, 230), width=4)


def product_on(background: Image.Image, box: tuple[int, int, int, int] = (140, 90, 260, 330)) -> Image.Image:
    canvas = background.copy()
    _product(canvas, box)
    return canvas


def white(size: tuple[int, int] = (SIZE, SIZE)) -> Image.Image:
    return Image.new("RGB", size, (255, 255, 255))


# --------------------------------------------------------------------------- white-background cases


def wb_white_clean() -> bytes:
    return _encode(product_on(white()), "PNG")


def wb_white_jpeg_noise() -> bytes:
    return _encode(product_on(white()), "JPEG", quality=70)


def wb_white_soft_shadow() -> bytes:
    canvas = white()
    shadow = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(shadow).ellipse((110, 310, 290, 360), fill=70)
    shadow = shadow.filter(ImageFilter.GaussianBlur(14))
    grey = Image.new("RGB", canvas.size, (150, 150, 150))
    canvas = Image.composite(grey, canvas, shadow)
    return _encode(product_on(canvas), "JPEG", quality=88)


def wb_white_product_crosses_bottom() -> bytes:
    return _encode(product_on(white(), (130, 120, 270, 420)), "JPEG", quality=90)


def wb_off_white_240() -> bytes:
    return _encode(product_on(Image.new("RGB", (SIZE, SIZE), (240, 240, 240))), "JPEG", quality=92)


def wb_grey_gradient() -> bytes:
    ramp = np.linspace(255, 228, SIZE, dtype=np.float32)[:, None].repeat(SIZE, axis=1)
    background = Image.fromarray(np.stack([ramp] * 3, axis=2).astype(np.uint8))
    return _encode(product_on(background), "JPEG", quality=92)


def wb_thin_black_frame() -> bytes:
    canvas = product_on(white())
    ImageDraw.Draw(canvas).rectangle((0, 0, SIZE - 1, SIZE - 1), outline=(20, 20, 20), width=2)
    return _encode(canvas, "PNG")


def wb_split_scene() -> bytes:
    canvas = white()
    ImageDraw.Draw(canvas).rectangle((0, 300, SIZE, SIZE), fill=(150, 105, 60))  # wooden table
    return _encode(product_on(canvas, (150, 120, 250, 320)), "JPEG", quality=90)


def wb_transparent_background() -> bytes:
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).rounded_rectangle((140, 90, 260, 330), radius=24, fill=(40, 90, 160, 255))
    return _encode(canvas, "PNG")


# --------------------------------------------------------------------------- decode-gate cases


def jpeg_exif_rotated() -> bytes:
    """Stored landscape 300x200 with Orientation=6: upright it is 200x300 with the mark at the top right."""
    stored = Image.new("RGB", (300, 200), (255, 255, 255))
    ImageDraw.Draw(stored).rectangle((0, 0, 60, 60), fill=(255, 0, 0))  # top-left when stored
    exif = Image.Exif()
    exif[0x0112] = 6
    return _encode(stored, "JPEG", quality=95, exif=exif.tobytes())


def jpeg_cmyk_white() -> bytes:
    return _encode(Image.new("CMYK", (64, 64), (0, 0, 0, 0)), "JPEG", quality=95)


def png_gray16_near_white() -> bytes:
    return _encode(Image.fromarray(np.full((64, 64), 60000, dtype=np.uint16)), "PNG")


def png_palette_transparent() -> bytes:
    image = Image.new("P", (64, 64), 0)
    image.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    ImageDraw.Draw(image).rectangle((16, 16, 47, 47), fill=1)
    return _encode(image, "PNG", transparency=0)


def gif_animated() -> bytes:
    frames = [Image.new("P", (64, 64), index) for index in range(3)]
    for frame in frames:
        frame.putpalette([255, 255, 255, 255, 0, 0, 0, 255, 0] + [0] * 759)
    return _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def webp_small() -> bytes:
    return _encode(product_on(white((128, 128)), (40, 20, 90, 110)), "WEBP", quality=90)


def bmp_small() -> bytes:
    return _encode(white((64, 64)), "BMP")


def png_tiny_20() -> bytes:
    return _encode(white((20, 20)), "PNG")


def jpeg_truncated_in_scan() -> bytes:
    noise = np.random.default_rng(7).integers(0, 255, (256, 256, 3), dtype=np.uint8)
    data = _encode(Image.fromarray(noise), "JPEG", quality=90)
    return data[: int(len(data) * 0.7)]


def jpeg_truncated_in_header() -> bytes:
    return wb_white_jpeg_noise()[:120]


def png_bad_crc() -> bytes:
    data = bytearray(_encode(white((64, 64)), "PNG"))
    data[29] ^= 0xFF  # inside IHDR's CRC
    return bytes(data)


def tiff_small() -> bytes:
    return _encode(white((64, 64)), "TIFF")


def svg_text() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script></svg>'


def heic_header() -> bytes:
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def random_bytes() -> bytes:
    return np.random.default_rng(3).integers(0, 255, 2048, dtype=np.uint8).tobytes()


# --------------------------------------------------------------------------- keyword (炒信) cards

# (path, face index): a plain sans, and two decorative calligraphic faces (the original service was
# trained on machine and decorative fonts).
CARD_FONTS: dict[str, tuple[str, int]] = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # Noto Sans CJK SC
    "wenkai": ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", 0),
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),  # AR PL UKai CN (traditional glyphs too)
}


@dataclass(frozen=True)
class CardLine:
    text: str
    # What the line solicits, in reading order: (keyword as the API reports it, text printed for it).
    planted: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class KeywordCard:
    lines: tuple[CardLine, ...]
    font: str = "sans"
    size: int = 34
    background: tuple[int, int, int] = (255, 255, 255)
    ink: tuple[int, int, int] = (20, 20, 20)

    def planted(self) -> list[tuple[str, str]]:
        return [pair for line in self.lines for pair in line.planted]


KEYWORD_CARDS: dict[str, KeywordCard] = {
    # The original API's example: one keyword printed twice answers "水分,水分"; 代理 between them.
    "kw_water_twice.png": KeywordCard(
        (
            CardLine("销量无水分", (("水分", "水分"),)),
            CardLine("诚招代理", (("代理", "诚招代理"),)),
            CardLine("真实评价 绝不掺水分", (("水分", "水分"),)),
        )
    ),
    # Disguised WeChat spellings, one per line, in a decorative face on a tinted card.
    "kw_wechat_disguises.png": KeywordCard(
        (
            CardLine("加薇信领红包", (("微信", "薇信"),)),
            CardLine("售后请加 vx 咨询", (("微信", "vx"),)),
            CardLine("有问题找 V信", (("微信", "V信"),)),
            CardLine("好物推荐 绿泡泡", (("微信", "绿泡泡"),)),
        ),
        font="wenkai",
        background=(255, 244, 230),
        ink=(150, 20, 40),
    ),
    # QQ spelled 扣扣, traditional 刷單/返現/兼職, in a calligraphic face.
    "kw_qq_traditional.png": KeywordCard(
        (
            CardLine("售后扣扣 咨询", (("QQ", "扣扣"),)),
            CardLine("刷單返現", (("刷单", "刷單"), ("返现", "返現"))),
            CardLine("在家兼職", (("兼职", "兼職"),)),
        ),
        font="kai",
    ),
    # Words that share characters with keywords but solicit nothing.
    "kw_decoys.png": KeywordCard(
        (
            CardLine("微笑服务"),
            CardLine("支持信用卡分期"),
            CardLine("领取代金券"),
            CardLine("每日刷新"),
        )
    ),
    # WeChat Pay accepted: 微信 is printed, but as a payment option.
    "kw_wechat_pay.png": KeywordCard((CardLine("本店支持微信支付"), CardLine("全国包邮"))),
}


def keyword_card(card: KeywordCard) -> bytes:
    path, index = CARD_FONTS[card.font]
    font = ImageFont.truetype(path, card.size, index=index)
    pad, pitch = 30, round(card.size * 1.9)
    width = max(round(font.getlength(line.text)) for line in card.lines) + 2 * pad
    image = Image.new("RGB", (width, pad * 2 + pitch * len(card.lines)), card.background)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(card.lines):
        draw.text((pad, pad + row * pitch), line.text, font=font, fill=card.ink)
    return _encode(image, "PNG", optimize=True)


def keyword_event() -> dict[str, object]:
    """An API Gateway REST (v1) proxy event: the Aliyun envelope with kw_water_twice.png and the
    keywords 水分 and 代理 separated by a full-width comma (``sam local invoke -e`` takes it too)."""
    image = base64.b64encode(keyword_card(KEYWORD_CARDS["kw_water_twice.png"])).decode()
    body = {
        "inputs": [
            {
                "image": {"dataType": 50, "dataValue": image},
                "keyword": {"dataType": 50, "dataValue": "水分，代理"},
            }
        ]
    }
    route = "/v1/keyword"
    return {
        "resource": route,
        "path": route,
        "httpMethod": "POST",
        "headers": {
            "Content-Type": "application/json",
            "Host": "example.execute-api.us-east-1.amazonaws.com",
        },
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": route,
            "httpMethod": "POST",
            "path": "/prod" + route,
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "accountId": "123456789012",
            "apiId": "1234567890",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


KEYWORD_EVENT = "apiGatewayProxyEventKeywordAliyun.json"


# --------------------------------------------------------------------------- psoriasis (牛皮癣) cases

# One product shot per base, then one overlay per case on the very same pixels, so a clean case and
# its overlaid twins differ only by what was added. Products and their print come from the dataset
# generators (infra/datasets: on pytest's pythonpath; the __main__ block below adds it for scripts),
# with a fixed font set instead of whatever fontconfig finds, so the bytes do not depend on extra
# fonts. PSORIASIS_CASES says what each image carries; the handler tests derive expectations from it.
PSO_SIDE = 480
PSO_FONTS: dict[str, tuple[str, int]] = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "kai": ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Bold.ttf", 0),
    "latin": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0),
}


@dataclass(frozen=True)
class PsoriasisCase:
    base: str  # "bottle" (green bottle, red label, on white) or "box" (boxed cream on a grey sweep)
    overlay: str | None  # None: only the product's own print
    kind: str | None = None  # the region kind the API should report for the overlay
    printed: tuple[str, ...] = ()  # text printed on the product (the excused print)


_BOTTLE_PRINT = ("星野", "舒缓身体乳", "净含量 50g")
PSORIASIS_CASES: dict[str, PsoriasisCase] = {
    "pso_clean_print_bottle.jpg": PsoriasisCase("bottle", None, printed=_BOTTLE_PRINT),
    "pso_clean_print_box.jpg": PsoriasisCase("box", None, printed=("朗致", "护手霜", "净含量: 250ml")),
    "pso_corner_promo.jpg": PsoriasisCase("bottle", "corner_promo", "overlay_text", _BOTTLE_PRINT),
    "pso_banner.jpg": PsoriasisCase("bottle", "banner", "overlay_text", _BOTTLE_PRINT),
    "pso_price_badge.jpg": PsoriasisCase("bottle", "price_badge", "logo_badge", _BOTTLE_PRINT),
    "pso_watermark_tiled.jpg": PsoriasisCase("bottle", "watermark_tiled", "watermark", _BOTTLE_PRINT),
    "pso_watermark_centre.jpg": PsoriasisCase("bottle", "watermark_centre", "watermark", _BOTTLE_PRINT),
    "pso_slogan_on_product.jpg": PsoriasisCase("bottle", "slogan_on_product", "overlay_text", _BOTTLE_PRINT),
}
Rect = tuple[int, int, int, int]  # x, y, w, h
# Filled on render: (the product's box, the overlay's ink boxes) per case.
_PSO_LAYOUT: dict[str, tuple[Rect, list[Rect]]] = {}


def _pso_face(name: str) -> FontFace:
    from synth import FontFace

    path, index = PSO_FONTS[name]
    return FontFace(path, index, name, decorative=name == "kai", bold=name in ("bold", "kai", "latin"))


def _pso_text(
    text: str, face: str, size: int, fill: tuple[int, int, int], stroke: int = 0, **style: Any
) -> Image.Image:
    from synth import TextStyle, render_text

    return render_text(text, TextStyle(_pso_face(face), size, fill=fill, stroke_width=stroke, **style))


def _pso_product(base: str) -> tuple[Image.Image, Rect]:
    """The product shot (print included) and the product's box [x, y, w, h]."""
    from synth import FontLibrary, Rng, to_image
    from synth_products import apply_print, bottle
    from synth_products import box as boxed
    from synth_scenes import ShadowSpec, composite_products, linear_gradient, solid

    fonts = FontLibrary(
        regular=(_pso_face("sans"), _pso_face("bold")),
        decorative=(_pso_face("kai"),),
        latin=(_pso_face("latin"),),
    )
    if base == "bottle":
        rng = Rng(5, "golden-psoriasis")
        product = bottle(rng, 170, 400)
        background = solid(PSO_SIDE, PSO_SIDE, (255, 255, 255))
    else:
        rng = Rng(2, "golden-psoriasis")
        product = boxed(rng, 300, 300)
        background = linear_gradient(PSO_SIDE, PSO_SIDE, (250, 250, 248), (232, 232, 230))
    apply_print(rng, fonts, product, low_contrast=False, max_surfaces=1)
    width, height = product.size
    x, y = (PSO_SIDE - width) // 2, (PSO_SIDE - height) // 2
    stage = composite_products(background, [product], [(x, y)], ShadowSpec(0.3, 0.1))
    return to_image(stage.pixels), (x, y, width, height)


def _pso_overlay(image: Image.Image, overlay: str, product: Rect) -> list[Rect]:
    """Draw one kind of overlay onto image (in place); returns the ink boxes."""
    from synth import paste_layer, rotate_layer, vertical_gradient_image

    boxes = []
    if overlay == "corner_promo":  # a loud slogan top left, a second one in the bottom-right margin
        boxes.append(paste_layer(image, _pso_text("限时特惠", "bold", 44, (230, 30, 40), 3), 14, 12))
        boxes.append(paste_layer(image, _pso_text("全场包邮", "kai", 34, (255, 120, 0)), 300, 420))
    elif overlay == "banner":  # a full-width strip: price block and slogan
        strip_h = 80
        strip = vertical_gradient_image((PSO_SIDE, strip_h), (235, 40, 50), (190, 20, 30)).convert("RGBA")
        ImageDraw.Draw(strip).polygon([(0, 0), (150, 0), (130, strip_h), (0, strip_h)], fill=(255, 214, 0))
        price = _pso_text("¥39.9", "bold", 40, (200, 20, 30))
        strip.alpha_composite(price, ((130 - price.width) // 2, (strip_h - price.height) // 2))
        slogan = _pso_text("买二送一 今日下单立减", "bold", 30, (255, 255, 255))
        strip.alpha_composite(slogan, (160, (strip_h - slogan.height) // 2))
        boxes.append(paste_layer(image, strip, 0, PSO_SIDE - strip_h))
    elif overlay == "price_badge":  # a round red badge in the top-right corner
        side = 130
        big = Image.new("RGBA", (side * 3, side * 3), (0, 0, 0, 0))
        ImageDraw.Draw(big).ellipse(
            (0, 0, side * 3 - 1, side * 3 - 1), fill=(225, 30, 45), outline=(255, 220, 0), width=9
        )
        badge = big.convert("RGBa").resize((side, side), Image.Resampling.BOX).convert("RGBA")
        top, price = (
            _pso_text("到手价", "bold", 24, (255, 255, 255)),
            _pso_text("¥29", "bold", 40, (255, 240, 0)),
        )
        badge.alpha_composite(top, ((side - top.width) // 2, 28))
        badge.alpha_composite(price, ((side - price.width) // 2, 62))
        boxes.append(paste_layer(image, badge, PSO_SIDE - side - 12, 12))
    elif overlay == "watermark_tiled":  # a shop handle tiled diagonally over everything, 25 % opaque
        tile = rotate_layer(_pso_text("@优品生活馆", "sans", 26, (0, 0, 0)), 30)
        for row, y in enumerate(range(-10, PSO_SIDE, 110)):
            for x in range(-40 - 90 * (row % 2), PSO_SIDE, 180):
                boxes.append(paste_layer(image, tile, x, y, 0.25))
    elif overlay == "watermark_centre":  # one large mark across the middle, 30 % opaque
        layer = rotate_layer(_pso_text("优品生活馆", "bold", 70, (0, 0, 0)), -20)
        boxes.append(
            paste_layer(image, layer, (PSO_SIDE - layer.width) // 2, (PSO_SIDE - layer.height) // 2, 0.3)
        )
    elif overlay == "slogan_on_product":  # pasted flat on the body below the label, outlined
        x, y, width, height = product
        layer = _pso_text("买一送一", "bold", 42, (255, 230, 0), 3, stroke_fill=(200, 20, 30))
        boxes.append(paste_layer(image, layer, x + (width - layer.width) // 2, y + int(height * 0.78)))
    else:
        raise ValueError(overlay)
    return [box for box in boxes if box is not None]


def psoriasis_image(name: str) -> bytes:
    case = PSORIASIS_CASES[name]
    image, product = _pso_product(case.base)
    _PSO_LAYOUT[name] = (product, _pso_overlay(image, case.overlay, product) if case.overlay else [])
    return _encode(image, "JPEG", quality=88)


def psoriasis_layout(name: str) -> tuple[Rect, list[Rect]]:
    """Where the product and the overlay's ink are in a case, as [x, y, w, h] boxes (no overlay
    boxes for clean cases); the image is rendered once to know."""
    if name not in _PSO_LAYOUT:
        psoriasis_image(name)
    return _PSO_LAYOUT[name]


def rest_proxy_event(route: str, body: dict[str, object]) -> dict[str, object]:
    """An API Gateway REST (v1) proxy event for route, shaped like the white-background fixture."""
    event: dict[str, Any] = json.loads(
        (EVENTS / "apiGatewayProxyEventWhiteBackgroundAliyun.json").read_text("utf-8")
    )
    event.update(resource=route, path=route, body=json.dumps(body, ensure_ascii=False), isBase64Encoded=False)
    context = dict(event["requestContext"])
    context.update(resourcePath=route, path="/prod" + route)
    event["requestContext"] = context
    return event


def psoriasis_events() -> dict[str, dict[str, object]]:
    """The Aliyun envelope through API Gateway (banner case) and a direct invocation with the
    native request (clean bottle, text returned); ``sam local invoke -e`` takes both."""

    def b64(name: str) -> str:
        return base64.b64encode(psoriasis_image(name)).decode()

    return {
        PSORIASIS_EVENTS[0]: rest_proxy_event(
            "/v1/psoriasis", {"inputs": [{"image": {"dataType": 50, "dataValue": b64("pso_banner.jpg")}}]}
        ),
        PSORIASIS_EVENTS[1]: {"image": b64("pso_clean_print_bottle.jpg"), "return_text": True},
    }


PSORIASIS_EVENTS = ("apiGatewayProxyEventPsoriasisAliyun.json", "directInvokePsoriasisNative.json")


# --------------------------------------------------------------------------- generated at test time


def pixel_bomb_png(side: int = 12000) -> bytes:
    """A tiny file that declares side x side pixels (~140 KB for 12000)."""
    return _encode(Image.new("1", (side, side), 0), "PNG")


GOLDEN: dict[str, Callable[[], bytes]] = {
    "wb_white_clean.png": wb_white_clean,
    "wb_white_jpeg_noise.jpg": wb_white_jpeg_noise,
    "wb_white_soft_shadow.jpg": wb_white_soft_shadow,
    "wb_white_product_crosses_bottom.jpg": wb_white_product_crosses_bottom,
    "wb_off_white_240.jpg": wb_off_white_240,
    "wb_grey_gradient.jpg": wb_grey_gradient,
    "wb_thin_black_frame.png": wb_thin_black_frame,
    "wb_split_scene.jpg": wb_split_scene,
    "wb_transparent_background.png": wb_transparent_background,
    "jpeg_exif_rotated.jpg": jpeg_exif_rotated,
    "jpeg_cmyk_white.jpg": jpeg_cmyk_white,
    "png_gray16_near_white.png": png_gray16_near_white,
    "png_palette_transparent.png": png_palette_transparent,
    "gif_animated.gif": gif_animated,
    "webp_small.webp": webp_small,
    "bmp_small.bmp": bmp_small,
    "png_tiny_20.png": png_tiny_20,
    "jpeg_truncated_in_scan.jpg": jpeg_truncated_in_scan,
    "jpeg_truncated_in_header.jpg": jpeg_truncated_in_header,
    "png_bad_crc.png": png_bad_crc,
    "tiff_small.tif": tiff_small,
    "svg_script.svg": svg_text,
    "heic_header.heic": heic_header,
    "random.bin": random_bytes,
    **{name: (lambda card=card: keyword_card(card)) for name, card in KEYWORD_CARDS.items()},
    **{name: functools.partial(psoriasis_image, name) for name in PSORIASIS_CASES},
}


def main() -> int:
    for name, make in GOLDEN.items():
        (HERE / name).write_bytes(make())
    event = json.dumps(keyword_event(), ensure_ascii=False, indent=1) + "\n"
    (EVENTS / KEYWORD_EVENT).write_text(event, encoding="utf-8")
    for name, payload in psoriasis_events().items():
        (EVENTS / name).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    events = ", ".join([KEYWORD_EVENT, *PSORIASIS_EVENTS])
    print(f"wrote {len(GOLDEN)} golden images to {HERE} and {events} to {EVENTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
