"""Text that is physically in the scene: sign boards, plaques, shop fascias, posters, painted and
3-D lettering on walls, street-name plates — and the camera that photographs them.

These are NOT psoriasis: the text is part of the photographed world. What tells it apart from an
overlay are physical cues, and every one of them is produced here rather than faked afterwards:

- geometry: each wall is a plane in front of a pinhole camera (yaw, pitch, roll, field of view),
  so boards, their text and the wall around them share one homography; letters and boards that
  stand off the wall show their edge on the side facing the camera (parallax), and cast a shadow;
- lighting: sun and sky light with a gradient across the wall, cast shadows of unseen objects
  (a building edge, foliage) that cross boards and text alike, engraved / embossed relief, gloss;
  lightboxes and neon glow at dusk with bloom;
- material: the wall texture (brick mortar, concrete, tiles) shows through painted lettering,
  paint is worn and chipped, posters are wrinkled and taped, chalk is grainy;
- occlusion: poles, foliage, cables and standing products partly hide the text;
- camera: the WHOLE frame is then rendered slightly larger, defocused (sometimes motion-blurred),
  downsampled, sharpened, tinted and given signal-dependent sensor noise, so the text is exactly
  as sharp and as noisy as its surroundings.

All wording is invented (shop names from `synth.BRANDS_*`, generic notices and street names).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from synth import (
    BRANDS_CHINESE,
    BRANDS_LATIN,
    RGB,
    FontLibrary,
    Rng,
    TextStyle,
    fit_text_size,
    mix,
    pastel,
    random_colour,
    render_text,
    text_colour_for,
)
from synth_scenes import (
    ShadowSpec,
    concrete,
    fbm,
    marble,
    soft_blur,
    stage_products,
    tiles,
    value_noise,
    wood,
)

RENDER_MAX_SIDE = 1100

# --------------------------------------------------------------------------- wording

SHOP_TYPES = (
    ("咖啡", "COFFEE"),
    ("面馆", "NOODLES"),
    ("便利店", "MART"),
    ("理发店", "BARBER"),
    ("健身", "FITNESS"),
    ("超市", "MARKET"),
    ("大药房", "PHARMACY"),
    ("五金", "HARDWARE"),
    ("花店", "FLOWERS"),
    ("书店", "BOOKS"),
    ("烘焙", "BAKERY"),
    ("茶饮", "TEA HOUSE"),
    ("洗衣", "LAUNDRY"),
    ("眼镜", "OPTICAL"),
    ("银行", "BANK"),
    ("酒店", "HOTEL"),
    ("餐厅", "KITCHEN"),
    ("火锅", "HOT POT"),
    ("水果", "FRUIT"),
    ("宠物", "PET SHOP"),
    ("诊所", "CLINIC"),
    ("照相馆", "PHOTO"),
    ("小吃", "SNACKS"),
    ("文具", "STATIONERY"),
    ("健身房", "GYM"),
)
SURNAMES = "陈李王张刘黄周吴徐孙马朱胡林郭何高罗"
CN_PLACES = ("老街", "金城", "东门", "南山", "福满", "兴隆", "和顺", "新华", "阳光", "百味")
SHOP_SUBLINES = (
    "SINCE 1998",
    "EST. 2009",
    "24小时营业",
    "营业时间 08:00-22:00",
    "OPEN DAILY 9AM - 9PM",
    "欢迎光临",
    "WELCOME",
    "外卖 · 堂食",
    "DINE IN · TAKE AWAY",
    "FRESH DAILY",
    "连锁品牌",
    "品质生活",
    "老字号",
)
NOTICES = (
    ("禁止吸烟", "NO SMOKING"),
    ("请勿乱扔垃圾", "NO LITTER"),
    ("请勿停车", "NO PARKING"),
    ("安全出口", "EXIT"),
    ("小心地滑", "CAUTION WET FLOOR"),
    ("员工通道", "STAFF ONLY"),
    ("非请勿入", "PRIVATE"),
    ("推", "PUSH"),
    ("拉", "PULL"),
    ("营业中", "OPEN"),
    ("卫生间", "TOILETS"),
    ("消防通道 禁止占用", "FIRE LANE KEEP CLEAR"),
    ("当心触电", "DANGER HIGH VOLTAGE"),
    ("请随手关门", "PLEASE CLOSE THE DOOR"),
    ("保持安静", "QUIET PLEASE"),
    ("禁止通行", "NO ENTRY"),
    ("监控区域", "CCTV IN OPERATION"),
    ("入口", "ENTRANCE"),
    ("会议室", "MEETING ROOM"),
    ("禁止拍照", "NO PHOTOS"),
)
STREETS = (
    ("人民路", "RENMIN RD"),
    ("和平街", "HEPING ST"),
    ("长宁里", "CHANGNING LN"),
    ("青年路", "QINGNIAN RD"),
    ("文化街", "WENHUA ST"),
    ("建设大道", "JIANSHE AVE"),
    ("", "MAPLE ST"),
    ("", "RUE DES LILAS"),
    ("", "ELM AVENUE"),
    ("", "HARBOUR RD"),
    ("", "KING'S LANE"),
    ("", "VIA DEL SOLE"),
)
DESTINATIONS = (
    "PARIS",
    "LYON",
    "机场 Airport",
    "市中心 City Centre",
    "火车站 Railway Sta.",
    "OLD TOWN",
    "HARBOUR",
    "海滨公园 Seaside Park",
    "体育馆 Stadium",
    "CENTRE VILLE",
)
POSTER_TITLES = (
    "夏日音乐节",
    "SUMMER FEST",
    "开业大吉",
    "招聘启事",
    "YOGA CLASS",
    "旺铺招租",
    "LIVE MUSIC",
    "社区运动会",
    "读书分享会",
    "FLEA MARKET",
    "新店开业",
    "OPEN MIC NIGHT",
    "摄影展",
    "ART EXPO",
    "会员招募",
    "GRAND OPENING",
)
# Shop-window posters can carry promotional words: physically printed, they are still no overlay.
WINDOW_PROMOS = ("全场8折", "SALE", "新品上市", "50% OFF", "买一送一", "清仓", "NEW IN")
POSTER_SUBLINES = (
    "7.15 - 7.20",
    "SAT 8PM",
    "地点: 市民广场",
    "FREE ENTRY",
    "欢迎参加",
    "详情咨询前台",
    "每周六 19:30",
    "报名从速",
    "ALL WELCOME",
    "2F 多功能厅",
)
MENU_ITEMS = (
    "拿铁",
    "美式",
    "卡布奇诺",
    "摩卡",
    "抹茶拿铁",
    "柠檬茶",
    "牛肉面",
    "炸酱面",
    "馄饨",
    "LATTE",
    "AMERICANO",
    "FLAT WHITE",
    "MOCHA",
    "ESPRESSO",
    "CHAI",
)
NEON_WORDS = ("OPEN", "COFFEE", "BAR", "营业中", "LOVE", "酒吧", "GOOD VIBES", "NOODLES", "夜宵", "CAFE")
GYM_WORDS = ("FITNESS CLUB", "24H GYM", "健身 瑜伽 搏击", "BOXING", "POWER GYM", "私教中心")


def shop_name(rng: Rng) -> tuple[str, str]:
    """(main line, optional second line) of an invented shop."""
    cn, en = rng.choice(SHOP_TYPES)
    style = rng.integer(0, 4)
    if style == 0:
        main = rng.choice(BRANDS_CHINESE) + cn
        second = en if rng.chance(0.5) else ""
    elif style == 1:
        main = rng.choice(SURNAMES) + "记" + cn
        second = ""
    elif style == 2:
        main = rng.choice(CN_PLACES) + cn
        second = rng.choice(BRANDS_LATIN).upper() + " " + en if rng.chance(0.4) else ""
    else:
        main = rng.choice(BRANDS_LATIN).upper() + " " + en
        second = rng.choice(BRANDS_CHINESE) + cn if rng.chance(0.4) else ""
    if not second and rng.chance(0.45):
        second = rng.choice(SHOP_SUBLINES) if rng.chance(0.75) else phone_line(rng)
    return main, second


def notice_lines(rng: Rng) -> list[str]:
    cn, en = rng.choice(NOTICES)
    form = rng.integer(0, 2)
    if form == 0:
        return [cn, en]
    return [cn] if form == 1 else [en]


def street_lines(rng: Rng) -> list[str]:
    cn, en = rng.choice(STREETS)
    number = str(rng.integer(1, 388))
    if rng.chance(0.35):
        return [rng.choice(DESTINATIONS)] + ([f"{rng.integer(2, 48)} km"] if rng.chance(0.6) else [])
    if cn and rng.chance(0.5):
        return [cn, en]
    if cn and rng.chance(0.4):
        return [f"{cn}{number}号"]
    return [en] if rng.chance(0.6) else [f"{number} {en}"]


def phone_line(rng: Rng) -> str:
    digits = "".join(str(rng.integer(0, 9)) for _ in range(7))
    return rng.choice(["电话 0571-8", "TEL 021-6", "订餐电话 0755-2", "热线 010-8"]) + digits


# --------------------------------------------------------------------------- small helpers


def text_mask(
    rng: Rng,
    fonts: FontLibrary,
    text: str,
    max_w: float,
    max_h: float,
    *,
    decorative: bool | None = None,
    bold: bool | None = None,
    vertical: bool = False,
    tracking: float = 0.0,
) -> np.ndarray:
    """Ink coverage (0..1) of `text`, as large as fits in max_w × max_h (anti-aliased by the font
    rasteriser, so it is exactly as soft as any other edge drawn at this scale)."""
    face = fonts.pick(rng, text, decorative=decorative, bold=bold)
    max_w, max_h = max(6.0, max_w), max(6.0, max_h)
    if vertical:
        size = int(min(max_w, max_h / max(1, len(text)) * 0.95))
    else:
        size = fit_text_size(face, text, max_w, int(max_h), min_size=6)
    mask = _render_mask(text, TextStyle(face, max(6, size), vertical=vertical, tracking=tracking))
    # Second pass: use the box fully (Latin caps are shorter than a CJK em), never overflow it.
    scale = min(max_w / mask.shape[1], max_h / mask.shape[0])
    if 1.08 < scale < 3.0:
        size2 = max(6, int(size * scale * 0.98))
        mask = _render_mask(text, TextStyle(face, size2, vertical=vertical, tracking=tracking))
        scale = min(max_w / mask.shape[1], max_h / mask.shape[0])
    if scale < 1.0:
        new = (max(1, int(mask.shape[1] * scale)), max(1, int(mask.shape[0] * scale)))
        mask = cv2.resize(mask, new, interpolation=cv2.INTER_AREA)
    return mask


def _render_mask(text: str, style: TextStyle) -> np.ndarray:
    layer = render_text(text, style)
    return np.asarray(layer.getchannel("A"), np.float32) / 255.0


def stack_lines(
    masks: Sequence[np.ndarray], gap: float, align: str = "centre"
) -> tuple[np.ndarray, list[int]]:
    """Stack line masks vertically; returns the block and each line's top row."""
    width = max(m.shape[1] for m in masks)
    height = int(sum(m.shape[0] for m in masks) + gap * (len(masks) - 1))
    block = np.zeros((max(1, height), width), np.float32)
    tops: list[int] = []
    y = 0
    for m in masks:
        x = (width - m.shape[1]) // 2 if align == "centre" else 0
        block[y : y + m.shape[0], x : x + m.shape[1]] = np.maximum(
            block[y : y + m.shape[0], x : x + m.shape[1]], m
        )
        tops.append(y)
        y += m.shape[0] + int(gap)
    return block, tops


def shift(mask: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """Sub-pixel translation with zero fill."""
    matrix = np.asarray([[1, 0, dx], [0, 1, dy]], np.float32)
    return cv2.warpAffine(mask, matrix, (mask.shape[1], mask.shape[0]), flags=cv2.INTER_LINEAR)


def rounded_rect_mask(w: int, h: int, radius: float) -> np.ndarray:
    big = np.zeros((h * 2, w * 2), np.uint8)
    r = int(max(0, radius) * 2)
    cv2.rectangle(big, (r, 0), (w * 2 - 1 - r, h * 2 - 1), 255, -1)
    cv2.rectangle(big, (0, r), (w * 2 - 1, h * 2 - 1 - r), 255, -1)
    if r > 0:
        for cx, cy in ((r, r), (w * 2 - 1 - r, r), (r, h * 2 - 1 - r), (w * 2 - 1 - r, h * 2 - 1 - r)):
            cv2.circle(big, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def inner_band(alpha: np.ndarray, width: float) -> np.ndarray:
    """1 within `width` px of the shape's edge (a frame), 0 deeper inside. The array's border
    counts as outside."""
    inside = np.pad((alpha > 0.5).astype(np.uint8), 1)
    dist = cv2.distanceTransform(inside, cv2.DIST_L2, 3)[1:-1, 1:-1]
    return np.clip((width + 0.5 - dist), 0, 1) * alpha


def edge_relief(alpha: np.ndarray, width: float, strength: float, light: tuple[float, float]) -> np.ndarray:
    """Shading of a raised edge: lit on the side facing the light, dark on the other."""
    soft = cv2.GaussianBlur(alpha, (0, 0), max(0.6, width), borderType=cv2.BORDER_CONSTANT)
    gy, gx = np.gradient(soft)
    return 1.0 + strength * width * (gx * light[0] + gy * light[1])


def wear(rng: Rng, h: int, w: int, amount: float) -> np.ndarray:
    """Paint coverage: 1 = intact, toward 0 where it is chipped or faded (amount 0..1)."""
    if amount <= 0.01:
        return np.ones((h, w), np.float32)
    blotch = fbm(rng, h, w, rng.uniform(3, 8), 3)
    fine = value_noise(rng, h, w, max(8, w / 6))
    chips = np.clip((blotch * 0.7 + fine * 0.3 - (1.0 - amount * 0.55)) * 8, 0, 1)
    fade = 1.0 - amount * 0.35 * blotch
    return np.clip(fade - chips, 0, 1).astype(np.float32)


# --------------------------------------------------------------------------- mounted pieces


@dataclass
class Piece:
    """Something mounted on a wall, drawn frontally in its own pixel frame."""

    albedo: np.ndarray  # (h, w, 3) 0..255
    alpha: np.ndarray  # (h, w) 0..1
    relief: np.ndarray  # (h, w) shading multiplier from its own shape (bevels, emboss, screws)
    gloss: np.ndarray | None = None  # (h, w) additive highlight, scaled by the direct light
    glow: np.ndarray | None = None  # (h, w, 3) emitted light (lightboxes, neon), unaffected by shadows
    depth: float = 4.0  # how far it stands off the wall, in px (parallax edge, cast shadow)
    edge_colour: RGB = (60, 60, 60)


def _board_colours(rng: Rng, kind: str) -> tuple[RGB, RGB]:
    """(board, ink) pairs as sign makers use them."""
    classic: list[tuple[RGB, RGB]] = [
        ((176, 28, 30), (246, 206, 110)),  # red board, gold letters
        ((20, 20, 22), (232, 196, 105)),
        ((250, 250, 246), (30, 30, 34)),
        ((250, 250, 246), (190, 25, 30)),
        ((24, 84, 160), (250, 250, 250)),
        ((20, 110, 70), (250, 250, 250)),
        ((245, 200, 30), (20, 20, 20)),
        ((40, 40, 44), (250, 250, 250)),
        ((120, 30, 40), (245, 235, 215)),
        ((235, 230, 215), (70, 50, 35)),
    ]
    if kind == "street":
        return rng.choice(
            [
                ((24, 70, 150), (250, 250, 250)),
                ((20, 100, 65), (250, 250, 250)),
                ((250, 250, 248), (20, 20, 20)),
            ]
        )
    if rng.chance(0.7):
        return rng.choice(classic)
    board = random_colour(rng, (0.2, 0.9), (0.2, 0.95))
    return board, text_colour_for(rng, board, 4.0, 21.0, saturated=0.3)


def _material(rng: Rng, h: int, w: int, colour: RGB, material: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Albedo of a board face and its gloss (None for matte)."""
    base = np.empty((h, w, 3), np.float32)
    base[:] = np.asarray(colour, np.float32)
    gloss: np.ndarray | None = None
    if material == "metal":
        brushed = cv2.resize(rng.gen.random((max(2, h // 2), 3)).astype(np.float32), (w, h))
        base *= (0.94 + 0.1 * brushed)[:, :, None]
        xx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
        gloss = np.broadcast_to(
            rng.uniform(10, 35) * np.exp(-(((xx - rng.uniform(0.2, 0.8)) / 0.25) ** 2)), (h, w)
        )
        gloss = np.ascontiguousarray(gloss)
    elif material == "wood":
        grain = wood(rng, h, w)
        base = base * 0.45 + grain * 0.55 * (np.asarray(colour, np.float32).mean() / 140.0)
    elif material == "acrylic":
        yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
        xx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
        band = np.exp(-((((xx * 0.6 + yy) - rng.uniform(0.3, 1.2)) / 0.18) ** 2))
        gloss = (rng.uniform(15, 45) * band).astype(np.float32)
    elif material == "paper":
        base *= (0.96 + 0.05 * fbm(rng, h, w, 3, 2))[:, :, None]
    dirt = fbm(rng, h, w, rng.uniform(2, 5), 3)
    base *= (1.0 - rng.uniform(0.0, 0.12) * dirt)[:, :, None]
    return np.clip(base, 0, 255), gloss


def _screws(
    relief: np.ndarray, albedo: np.ndarray, positions: Sequence[tuple[float, float]], r: float
) -> None:
    for x, y in positions:
        cv2.circle(albedo, (int(x), int(y)), max(1, int(r)), (170, 170, 165), -1, cv2.LINE_AA)
        cv2.circle(relief, (int(x + r * 0.3), int(y + r * 0.3)), max(1, int(r)), 0.55, -1, cv2.LINE_AA)
        cv2.circle(
            relief, (int(x - r * 0.25), int(y - r * 0.25)), max(1, int(r * 0.5)), 1.35, -1, cv2.LINE_AA
        )


def board(
    rng: Rng,
    fonts: FontLibrary,
    w: int,
    h: int,
    lines: Sequence[str],
    *,
    kind: str = "plaque",
    material: str | None = None,
    emissive: bool = False,
    vertical: bool = False,
) -> Piece:
    """A sign board: material, frame, mounting and lettering (painted, engraved or raised)."""
    w, h = max(12, int(w)), max(12, int(h))
    colour, ink = _board_colours(rng, kind)
    material = material or rng.weighted(["paint", "metal", "wood", "acrylic"], [5, 2, 1, 3])
    if material == "wood":
        colour = rng.choice([(150, 100, 60), (110, 70, 40), (190, 150, 100)])
        ink = rng.choice([(250, 245, 230), (30, 22, 15), (240, 200, 110)])
    radius = min(w, h) * (rng.uniform(0.0, 0.18) if kind != "street" else rng.uniform(0.06, 0.14))
    alpha = rounded_rect_mask(w, h, radius)
    albedo, gloss = _material(rng, h, w, colour, material)
    relief = np.ones((h, w), np.float32)
    frame_w = min(w, h) * rng.uniform(0.03, 0.09)
    has_frame = kind == "street" or rng.chance(0.55)
    if has_frame:
        frame = inner_band(alpha, frame_w)
        frame_colour = (
            ink
            if kind == "street" or rng.chance(0.4)
            else rng.choice([(200, 200, 200), (40, 40, 40), (190, 160, 90), mix(colour, (0, 0, 0), 0.4)])
        )
        if kind == "street":
            # The inset white line of road signs, a little inside the edge.
            inset = inner_band(alpha, frame_w * 2.2) - inner_band(alpha, frame_w * 1.2)
            frame = np.clip(inset, 0, 1)
        albedo = albedo * (1 - frame[:, :, None]) + np.asarray(frame_colour, np.float32) * frame[:, :, None]
    light = (-0.7, -0.7)
    relief *= edge_relief(alpha, max(1.0, min(w, h) * 0.012), 0.9, light)
    pad_x = frame_w * (3.0 if has_frame else 1.6) + w * 0.04
    pad_y = frame_w * (2.5 if has_frame else 1.4) + h * 0.08
    inner_w, inner_h = w - 2 * pad_x, h - 2 * pad_y
    ink_mask = np.zeros((h, w), np.float32)
    if lines and inner_w > 10 and inner_h > 8:
        if vertical:
            masks = [text_mask(rng, fonts, lines[0], inner_w, inner_h, bold=True, vertical=True)]
        else:
            weights = [1.0] + [rng.uniform(0.32, 0.55)] * (len(lines) - 1)
            total = sum(weights) + 0.25 * (len(lines) - 1)
            face_decorative = rng.chance(0.2)
            masks = [
                text_mask(
                    rng,
                    fonts,
                    line,
                    inner_w,
                    inner_h * wt / total,
                    decorative=face_decorative if i == 0 else False,
                    bold=True if i == 0 and rng.chance(0.7) else None,
                    tracking=rng.uniform(0.0, 0.12) if line.isascii() and rng.chance(0.4) else 0.0,
                )
                for i, (line, wt) in enumerate(zip(lines, weights, strict=True))
            ]
        align = "left" if kind == "street" and rng.chance(0.4) else "centre"
        block, _ = stack_lines(masks, inner_h * 0.08, align)
        bh, bw = block.shape
        x0 = int((w - bw) / 2) if align == "centre" else int(pad_x)
        y0 = int((h - bh) / 2)
        x0, y0 = max(0, x0), max(0, y0)
        bh, bw = min(bh, h - y0), min(bw, w - x0)
        ink_mask[y0 : y0 + bh, x0 : x0 + bw] = block[:bh, :bw]
    lettering = rng.weighted(["printed", "engraved", "raised"], [6, 2 if material != "acrylic" else 0, 2])
    coverage = ink_mask * wear(rng, h, w, rng.uniform(0.0, 0.5) if rng.chance(0.5) else 0.0)
    ink_arr = np.asarray(ink, np.float32)
    if lettering == "engraved":
        # Cut into the surface: darker floor, a shadowed upper-left wall and a lit lower-right one.
        ink_arr = np.asarray(mix(colour, (0, 0, 0), 0.45), np.float32) if rng.chance(0.5) else ink_arr
        relief *= 1.0 - 0.35 * np.clip(ink_mask - shift(ink_mask, 1.2, 1.2), 0, 1)
        relief *= 1.0 + 0.25 * np.clip(ink_mask - shift(ink_mask, -1.0, -1.0), 0, 1)
    elif lettering == "raised":
        relief *= edge_relief(ink_mask, 1.0, 1.2, light)
        relief *= 1.0 - 0.3 * np.clip(shift(ink_mask, 1.5, 2.0) - ink_mask, 0, 1)
    albedo = albedo * (1 - coverage[:, :, None]) + ink_arr * coverage[:, :, None]
    glow: np.ndarray | None = None
    if emissive:
        # A lightbox: the translucent face is lit from inside, the lettering blocks or colours it.
        face_light = 0.75 + 0.25 * np.exp(-((np.linspace(-1, 1, w, dtype=np.float32)[None, :]) ** 2) / 0.8)
        glow = (albedo * face_light[:, :, None] * rng.uniform(0.6, 1.0)).astype(np.float32)
        if has_frame:
            glow *= (1 - inner_band(alpha, frame_w))[:, :, None]
    if kind == "plaque" and rng.chance(0.6) and min(w, h) > 40:
        m = frame_w * 1.8 + 3
        r = max(1.5, min(w, h) * 0.025)
        _screws(relief, albedo, [(m, m), (w - m, m), (m, h - m), (w - m, h - m)], r)
    depth = rng.uniform(2, 6) if kind in ("plaque", "street") else rng.uniform(6, 22)
    edge = mix(colour, (0, 0, 0), 0.5) if material != "metal" else (150, 150, 150)
    return Piece(albedo.astype(np.float32), alpha, relief.astype(np.float32), gloss, glow, depth, edge)


def poster(rng: Rng, fonts: FontLibrary, w: int, h: int, promo: bool = False) -> Piece:
    """A paper poster: title, colour block, small lines; wrinkled, maybe taped at the corners."""
    w, h = max(16, int(w)), max(16, int(h))
    paper = rng.choice(
        [(246, 244, 238), (250, 250, 250), pastel(rng), random_colour(rng, (0.4, 0.9), (0.5, 0.95))]
    )
    albedo, gloss = _material(rng, h, w, paper, "paper")
    ink = text_colour_for(rng, paper, 3.5, 21.0, saturated=0.6)
    accent = random_colour(rng, (0.5, 1.0), (0.4, 0.9))
    block_top = rng.uniform(0.35, 0.6)
    if rng.chance(0.7):
        # A picture area: a gradient with a soft blob, standing in for a photo.
        y0, y1 = int(h * block_top), int(h * min(0.92, block_top + rng.uniform(0.2, 0.35)))
        x0, x1 = int(w * 0.08), int(w * 0.92)
        if y1 > y0 + 4 and x1 > x0 + 4:
            t = np.linspace(0, 1, y1 - y0, dtype=np.float32)[:, None, None]
            picture = (
                np.asarray(accent, np.float32) * (1 - t) + np.asarray(mix(accent, paper, 0.6), np.float32) * t
            )
            blob = fbm(rng, y1 - y0, x1 - x0, 3, 3)[:, :, None]
            albedo[y0:y1, x0:x1] = picture * (0.75 + 0.4 * blob)
    title = rng.choice(WINDOW_PROMOS) if promo else rng.choice(POSTER_TITLES)
    lines = [title] + [rng.choice(POSTER_SUBLINES) for _ in range(rng.integer(1, 2))]
    masks = [text_mask(rng, fonts, lines[0], w * 0.84, h * rng.uniform(0.12, 0.22), bold=True)]
    masks += [text_mask(rng, fonts, line, w * 0.8, h * 0.055) for line in lines[1:]]
    ink_mask = np.zeros((h, w), np.float32)
    y = int(h * rng.uniform(0.06, 0.12))
    for i, m in enumerate(masks):
        if i == 1:
            y = max(y, int(h * (block_top - 0.12)))
        mh, mw = m.shape
        if y + mh > h:
            break
        x = (w - mw) // 2
        ink_mask[y : y + mh, x : x + mw] = np.maximum(ink_mask[y : y + mh, x : x + mw], m)
        y += mh + int(h * 0.03)
        if i == 1:
            y = max(y, int(h * 0.9) - mh)
    title_colour = accent if rng.chance(0.5) and promo else ink
    albedo = albedo * (1 - ink_mask[:, :, None]) + np.asarray(title_colour, np.float32) * ink_mask[:, :, None]
    # Wrinkles and a bulge: low-frequency bumps shade the paper (and the print on it).
    bumps = fbm(rng, h, w, rng.uniform(2, 4), 2)
    gy, gx = np.gradient(cv2.GaussianBlur(bumps, (0, 0), 3.0))
    relief = 1.0 + rng.uniform(0.8, 3.0) * (gx + gy) * min(w, h) / 60
    alpha = np.ones((h, w), np.float32)
    if rng.chance(0.5):
        tape = np.zeros((h, w), np.float32)
        s = max(6, int(min(w, h) * 0.12))
        for cx, cy in ((0, 0), (w, 0), (0, h), (w, h)):
            cv2.ellipse(tape, (cx, cy), (s, s // 3), 45 if cx == cy or (cx and cy) else -45, 0, 360, 1.0, -1)
        albedo = albedo * (1 - 0.35 * tape[:, :, None]) + 245 * 0.35 * tape[:, :, None]
        relief = relief * (1 + 0.08 * tape)
    return Piece(albedo, alpha, np.clip(relief, 0.7, 1.3).astype(np.float32), gloss, None, 0.6, paper)


def chalkboard(rng: Rng, fonts: FontLibrary, w: int, h: int) -> Piece:
    """A café menu: slate with chalk lettering (grainy, uneven) and prices, in a wooden frame."""
    w, h = max(24, int(w)), max(24, int(h))
    slate = rng.choice([(38, 44, 42), (28, 32, 30), (40, 52, 46)])
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(slate, np.float32)
    albedo *= (0.9 + 0.2 * fbm(rng, h, w, 4, 3))[:, :, None]  # smudges of old chalk
    title = rng.choice(["MENU", "今日推荐", "COFFEE", "菜单", "TODAY"])
    items = rng.sample(MENU_ITEMS, rng.integer(3, 5))
    lines = [title] + [
        f"{item}  {rng.choice(['18', '22', '26', '28', '32', '5.5', '¥15', '¥28'])}" for item in items
    ]
    frame = max(4, int(min(w, h) * 0.06))
    masks = [text_mask(rng, fonts, lines[0], w * 0.7, h * 0.18, decorative=True)]
    masks += [
        text_mask(rng, fonts, line, w * 0.75, h * 0.62 / len(items) * 0.7, decorative=rng.chance(0.6))
        for line in lines[1:]
    ]
    block, _ = stack_lines(masks, h * 0.03)
    bh, bw = min(block.shape[0], h - 2 * frame), min(block.shape[1], w - 2 * frame)
    ink = np.zeros((h, w), np.float32)
    y0, x0 = max(frame, (h - bh) // 2), max(frame, (w - bw) // 2)
    ink[y0 : y0 + bh, x0 : x0 + bw] = block[:bh, :bw]
    grain_mask = np.clip(rng.gen.random((h, w)).astype(np.float32) * 1.6 - 0.15, 0, 1)
    chalk = ink * grain_mask * rng.uniform(0.75, 0.95)
    chalk_colour = np.asarray(rng.choice([(235, 235, 228), (240, 225, 160), (200, 230, 240)]), np.float32)
    albedo = albedo * (1 - chalk[:, :, None]) + chalk_colour * chalk[:, :, None]
    alpha = np.ones((h, w), np.float32)
    band = inner_band(alpha, frame)
    grain = wood(rng, h, w)
    albedo = albedo * (1 - band[:, :, None]) + grain * band[:, :, None]
    relief = edge_relief(1 - band, 1.5, 0.8, (-0.7, -0.7))
    return Piece(albedo, alpha, relief.astype(np.float32), None, None, rng.uniform(3, 8), (70, 45, 25))


def neon(rng: Rng, fonts: FontLibrary, w: int, h: int) -> Piece:
    """Neon tubes bent into letters on a clear or dark backing; they glow."""
    w, h = max(24, int(w)), max(16, int(h))
    word = rng.choice(NEON_WORDS)
    mask = text_mask(rng, fonts, word, w * 0.9, h * 0.8, bold=False, decorative=rng.chance(0.4))
    m = np.zeros((h, w), np.float32)
    mh, mw = mask.shape
    y0, x0 = (h - mh) // 2, (w - mw) // 2
    m[y0 : y0 + mh, x0 : x0 + mw] = mask
    tube_w = max(1.0, min(w, h) * 0.012)
    outline = np.clip(cv2.GaussianBlur(m, (0, 0), tube_w) * 2 - 0.4, 0, 1) - np.clip(
        cv2.GaussianBlur(m, (0, 0), tube_w * 0.6) * 2 - 1.2, 0, 1
    )
    tube = np.clip(outline * 1.6, 0, 1)
    colour = np.asarray(
        rng.choice([(255, 60, 120), (60, 220, 255), (255, 190, 60), (140, 255, 90), (255, 80, 60)]),
        np.float32,
    )
    backing = rng.chance(0.5)
    alpha = np.maximum(tube, np.full((h, w), 1.0 if backing else 0.0, np.float32))
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = 25.0
    albedo = albedo * (1 - tube[:, :, None]) + colour * tube[:, :, None]
    glow = (tube[:, :, None] * (colour * 0.6 + 110)).astype(np.float32)
    return Piece(
        albedo.astype(np.float32),
        alpha,
        np.ones((h, w), np.float32),
        None,
        glow,
        rng.uniform(4, 10),
        (20, 20, 20),
    )


# --------------------------------------------------------------------------- walls


def brick(rng: Rng, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Running-bond brickwork: per-brick colour, recessed mortar (albedo, relief)."""
    palette = rng.choice(
        [
            ((150, 62, 45), (185, 95, 70)),
            ((120, 80, 60), (170, 120, 90)),
            ((200, 180, 150), (225, 210, 185)),
            ((225, 225, 220), (245, 245, 240)),
        ]
    )
    bh = rng.integer(14, 30)
    half = int(bh * rng.uniform(1.0, 1.3))  # half a brick's length: odd courses shift by it
    mortar = max(2, bh // 7)
    rows, cols = h // bh + 2, w // (2 * half) + 2
    table = rng.gen.random((rows, cols)).astype(np.float32)
    # Per-brick shade on a half-brick grid (odd courses shifted by one cell), blown up exactly.
    cells = np.repeat(table, 2, axis=1)
    cells[1::2] = np.roll(cells[1::2], 1, axis=1)
    t = cv2.resize(cells, (cells.shape[1] * half, rows * bh), interpolation=cv2.INTER_NEAREST)[:h, :w]
    dark, light = np.asarray(palette[0], np.float32), np.asarray(palette[1], np.float32)
    albedo = dark + (light - dark) * t[:, :, None]
    albedo *= (0.9 + 0.2 * value_noise(rng, h, w, w / 6))[:, :, None]
    ys, xs = np.arange(h), np.arange(w)
    odd = ((ys // bh) % 2 == 1)[:, None]
    joints_even = (xs % (2 * half) < mortar)[None, :]
    joints_odd = ((xs + half) % (2 * half) < mortar)[None, :]
    is_mortar = ((ys % bh) < mortar)[:, None] | np.where(odd, joints_odd, joints_even)
    mortar_colour = np.asarray(rng.choice([(170, 165, 155), (120, 118, 112), (200, 198, 190)]), np.float32)
    albedo[is_mortar] = mortar_colour
    relief = np.where(is_mortar, 0.72, 1.0).astype(np.float32)
    relief = cv2.GaussianBlur(relief, (0, 0), 0.7)
    return albedo.astype(np.float32), relief


def wall_texture(rng: Rng, h: int, w: int, material: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(albedo, relief, material) of a building or interior wall."""
    material = material or rng.weighted(
        ["plaster", "brick", "concrete", "tiles", "wood", "corrugated", "stone"], [5, 3, 2, 2, 1, 1, 1]
    )
    relief = np.ones((h, w), np.float32)
    if material == "brick":
        albedo, relief = brick(rng, h, w)
    elif material == "concrete":
        albedo = concrete(rng, h, w)
    elif material == "tiles":
        albedo = tiles(rng, h, w)
    elif material == "wood":
        albedo = wood(rng, h, w)
    elif material == "stone":
        # Stone cladding: soft veining (smooth, so built at half size), muted, in panels.
        veined = cv2.resize(
            marble(rng, max(2, h // 2), max(2, w // 2)), (w, h), interpolation=cv2.INTER_LINEAR
        )
        albedo = veined * 0.35 + veined.reshape(-1, 3).mean(axis=0) * 0.65
        step = rng.integer(90, 220)
        albedo[::step] *= 0.7
        albedo[:, :: int(step * rng.uniform(1.2, 2.0))] *= 0.7
    elif material == "corrugated":
        colour = random_colour(rng, (0.1, 0.6), (0.4, 0.85))
        period = rng.uniform(10, 22)
        xx = np.arange(w, dtype=np.float32)[None, :]
        relief = np.broadcast_to(0.85 + 0.18 * np.sin(xx * 2 * np.pi / period), (h, w)).astype(np.float32)
        albedo = np.empty((h, w, 3), np.float32)
        albedo[:] = np.asarray(colour, np.float32)
        rust = fbm(rng, h, w, 4, 3)
        albedo *= (1 - 0.25 * np.clip(rust - 0.55, 0, 1) * 3)[:, :, None]
    else:
        colour = rng.choice([pastel(rng), random_colour(rng, (0.05, 0.4), (0.55, 0.92)), (236, 232, 222)])
        albedo = np.empty((h, w, 3), np.float32)
        albedo[:] = np.asarray(colour, np.float32)
        mottle = cv2.resize(
            fbm(rng, max(2, h // 2), max(2, w // 2), 5, 4), (w, h), interpolation=cv2.INTER_LINEAR
        )
        albedo *= (0.92 + 0.12 * mottle)[:, :, None]
        # Rain streaks below ledges.
        streak = cv2.resize(rng.gen.random((3, max(2, w // 12))).astype(np.float32), (w, h))
        albedo *= (1 - rng.uniform(0.0, 0.12) * streak)[:, :, None]
        relief = 1.0 + 0.03 * (value_noise(rng, h, w, w / 3) - 0.5)
    return np.clip(albedo, 0, 255).astype(np.float32), relief.astype(np.float32), material


# --------------------------------------------------------------------------- the wall plane


@dataclass
class View:
    """A pinhole camera looking at a wall; plane coordinates = frontal image coordinates."""

    w: int
    h: int
    yaw: float  # radians
    pitch: float
    roll: float
    fov: float
    zoom: float = 1.0

    def rotation(self) -> np.ndarray:
        cy, sy = math.cos(self.yaw), math.sin(self.yaw)
        cp, sp = math.cos(self.pitch), math.sin(self.pitch)
        cr, sr = math.cos(self.roll), math.sin(self.roll)
        ry = np.asarray([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
        rx = np.asarray([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
        rz = np.asarray([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
        return rz @ rx @ ry

    @property
    def focal(self) -> float:
        return self.w / (2 * math.tan(self.fov / 2))

    def homography(self) -> np.ndarray:
        """Plane (frontal pixel) coordinates → image pixels."""
        f, rot = self.focal, self.rotation()
        dist = f * self.zoom
        src = np.asarray([[0, 0], [self.w, 0], [self.w, self.h], [0, self.h]], np.float32)
        dst = []
        for x, y in src:
            p = rot @ np.asarray([x - self.w / 2, y - self.h / 2, 0.0]) + np.asarray([0, 0, dist])
            dst.append([f * p[0] / p[2] + self.w / 2, f * p[1] / p[2] + self.h / 2])
        return cv2.getPerspectiveTransform(src, np.asarray(dst, np.float32))

    def camera_in_plane(self) -> np.ndarray:
        """The camera centre in plane coordinates (x, y in plane pixels, z = distance)."""
        rot = self.rotation()
        c = -rot.T @ np.asarray([0, 0, self.focal * self.zoom])
        return np.asarray([c[0] + self.w / 2, c[1] + self.h / 2, abs(c[2])])

    def parallax(self, x: float, y: float, depth: float) -> tuple[float, float]:
        """Apparent shift (in plane pixels) of something `depth` px in front of the wall at (x, y)."""
        cam = self.camera_in_plane()
        return depth * (x - cam[0]) / cam[2], depth * (y - cam[1]) / cam[2]


def random_view(rng: Rng, w: int, h: int, max_yaw: float = 42.0, frontal_share: float = 0.3) -> View:
    if rng.chance(frontal_share):
        yaw, pitch = rng.uniform(-5, 5), rng.uniform(-4, 4)
    else:
        yaw = rng.choice([-1.0, 1.0]) * rng.uniform(10, max_yaw)
        pitch = rng.uniform(-16, 16)
    return View(
        w,
        h,
        math.radians(yaw),
        math.radians(pitch),
        math.radians(rng.uniform(-3, 3)),
        math.radians(rng.uniform(45, 68)),
        rng.uniform(0.85, 1.15),
    )


def plane_extent(view: View, homography: np.ndarray, margin: int = 12) -> tuple[int, int, int, int]:
    """The plane rectangle (x0, y0, x1, y1) the camera sees."""
    inverse = np.linalg.inv(homography)
    xs = np.linspace(0, view.w, 5)
    ys = np.linspace(0, view.h, 5)
    border = (
        [(x, 0) for x in xs] + [(x, view.h) for x in xs] + [(0, y) for y in ys] + [(view.w, y) for y in ys]
    )
    pts = cv2.perspectiveTransform(np.asarray([border], np.float32), inverse)[0]
    x0, y0 = np.floor(pts.min(axis=0)) - margin
    x1, y1 = np.ceil(pts.max(axis=0)) + margin
    return int(x0), int(y0), int(x1), int(y1)


def fit_view(
    rng: Rng, w: int, h: int, max_yaw: float = 42.0, frontal_share: float = 0.3
) -> tuple[View, np.ndarray]:
    """A random view whose visible wall area stays bounded (grazing views need huge planes)."""
    view = random_view(rng, w, h, max_yaw, frontal_share)
    for _ in range(6):
        homography = view.homography()
        x0, y0, x1, y1 = plane_extent(view, homography)
        if (x1 - x0) * (y1 - y0) <= 2.0 * w * h and x1 - x0 < 3 * w and y1 - y0 < 3 * h:
            return view, homography
        view = View(w, h, view.yaw * 0.75, view.pitch * 0.75, view.roll, view.fov * 0.95, view.zoom)
    view = View(w, h, 0.0, 0.0, view.roll, view.fov, view.zoom)
    return view, view.homography()


# --------------------------------------------------------------------------- the wall plane


@dataclass
class Wall:
    """A wall plane seen by `view`. Pixel (0, 0) is plane point `origin`; radiance is
    albedo × relief × shadow × light + gloss × direct light + glow."""

    albedo: np.ndarray  # (H, W, 3)
    relief: np.ndarray  # (H, W) texture and mounted pieces' own shading
    shadow: np.ndarray  # (H, W) shadows cast by mounted pieces
    gloss: np.ndarray  # (H, W)
    glow: np.ndarray | None
    origin: tuple[int, int]
    view: View
    homography: np.ndarray
    shadow_dir: tuple[float, float]  # cast-shadow offset per px of depth
    material: str
    sky_below: int = -1  # rows above this (pixel) are sky, not wall

    def window(self, x: float, y: float, w: int, h: int, pad: int) -> tuple[int, int, int, int, int, int]:
        """Clip a (padded) plane box to the wall; returns (x0, y0, x1, y1, bx, by) in pixels."""
        bx, by = round(x - self.origin[0]), round(y - self.origin[1])
        H, W = self.relief.shape
        return max(0, bx - pad), max(0, by - pad), min(W, bx + w + pad), min(H, by + h + pad), bx, by

    def place(self, piece: Piece, x: float, y: float) -> bool:
        """Mount `piece` with its top-left at plane point (x, y). False if it is out of view."""
        ph, pw = piece.alpha.shape
        pad = int(piece.depth * 3 + 10)
        x0, y0, x1, y1, bx, by = self.window(x, y, pw, ph, pad)
        if x1 - x0 <= 2 * pad or y1 - y0 <= 2 * pad:
            return False

        def embed(arr: np.ndarray) -> np.ndarray:
            out = np.zeros((y1 - y0, x1 - x0, *arr.shape[2:]), np.float32)
            sx0, sy0 = max(0, x0 - bx), max(0, y0 - by)
            sx1, sy1 = min(pw, x1 - bx), min(ph, y1 - by)
            if sx1 > sx0 and sy1 > sy0:
                out[sy0 + by - y0 : sy1 + by - y0, sx0 + bx - x0 : sx1 + bx - x0] = arr[sy0:sy1, sx0:sx1]
            return out

        a = embed(piece.alpha)
        d = piece.depth
        # Parallax: the face sits d px in front of the wall; the camera sees it displaced and sees
        # the edge on the side facing it.
        px, py = self.view.parallax(x + pw / 2, y + ph / 2, d)
        face = shift(a, px, py)
        shadow_region = self.shadow[y0:y1, x0:x1]
        before = shadow_region.copy()
        sdx, sdy = self.shadow_dir
        cast = cv2.GaussianBlur(shift(a, sdx * d, sdy * d), (0, 0), 0.8 + 0.3 * d)
        shadow_region *= 1.0 - cast_shadow_strength(d) * cast
        albedo = self.albedo[y0:y1, x0:x1]
        relief = self.relief[y0:y1, x0:x1]
        steps = int(min(30, math.ceil(math.hypot(px, py))))
        if steps > 0:
            side = np.zeros_like(a)
            for i in range(steps):
                side = np.maximum(side, shift(a, px * i / steps, py * i / steps))
            side = np.clip(side - face, 0, 1)
            edge = np.asarray(piece.edge_colour, np.float32)
            albedo[:] = albedo * (1 - side[:, :, None]) + edge * side[:, :, None]
            relief[:] = relief * (1 - side) + 0.7 * side
            shadow_region[:] = shadow_region * (1 - side) + before * side
        fa = face[:, :, None]
        albedo[:] = albedo * (1 - fa) + shift(embed(piece.albedo), px, py) * fa
        relief[:] = relief * (1 - face) + shift(embed(piece.relief), px, py) * face
        shadow_region[:] = shadow_region * (1 - face) + before * face
        if piece.gloss is not None:
            self.gloss[y0:y1, x0:x1] += face * shift(embed(piece.gloss), px, py)
        if piece.glow is not None:
            if self.glow is None:
                self.glow = np.zeros_like(self.albedo)
            glow = self.glow[y0:y1, x0:x1]
            glow[:] = glow * (1 - fa) + shift(embed(piece.glow), px, py) * fa
        return True

    def paint_text(self, mask: np.ndarray, x: float, y: float, colour: RGB, coverage: np.ndarray) -> None:
        """Lettering painted straight onto the wall: the texture shows through the paint and the
        paint skips the recessed joints."""
        mh, mw = mask.shape
        x0, y0, x1, y1, bx, by = self.window(x, y, mw, mh, 0)
        if x1 <= x0 or y1 <= y0:
            return
        m = mask[y0 - by : y1 - by, x0 - bx : x1 - bx] * coverage[y0 - by : y1 - by, x0 - bx : x1 - bx]
        relief = self.relief[y0:y1, x0:x1]
        m = m * np.clip((relief - 0.6) / 0.35, 0.35, 1.0)  # thinner in mortar and grooves
        albedo = self.albedo[y0:y1, x0:x1]
        lum = albedo.mean(axis=2, keepdims=True)
        texture = np.clip(0.8 + 0.2 * lum / max(float(lum.mean()), 1.0), 0.6, 1.2)
        paint = np.asarray(colour, np.float32)[None, None, :] * texture
        albedo[:] = albedo * (1 - m[:, :, None]) + paint * m[:, :, None]


def cast_shadow_strength(depth: float) -> float:
    """Cast shadows fade as the object stands farther off the wall (more sky fills them in)."""
    return float(np.clip(0.6 - depth * 0.008, 0.35, 0.6))


def make_wall(rng: Rng, view: View, homography: np.ndarray, material: str | None = None) -> Wall:
    x0, y0, x1, y1 = plane_extent(view, homography)
    albedo, relief, material = wall_texture(rng, y1 - y0, x1 - x0, material)
    shadow_dir = (rng.uniform(-0.9, 0.9), rng.uniform(0.3, 1.1))
    return Wall(
        albedo,
        relief,
        np.ones_like(relief),
        np.zeros_like(relief),
        None,
        (x0, y0),
        view,
        homography,
        shadow_dir,
        material,
    )


def channel_letters(rng: Rng, fonts: FontLibrary, text: str, w: float, h: float) -> Piece:
    """Free-standing 3-D letters (bank and mall facades): thick, with a visible side and shadow."""
    mask = text_mask(rng, fonts, text, w, h, bold=True, decorative=rng.chance(0.2))
    colour = rng.choice(
        [(235, 200, 110), (245, 245, 245), (200, 30, 35), (200, 200, 205), (30, 30, 30), (20, 90, 170)]
    )
    mh, mw = mask.shape
    albedo = np.empty((mh, mw, 3), np.float32)
    albedo[:] = np.asarray(colour, np.float32)
    gloss: np.ndarray | None = None
    if colour in ((235, 200, 110), (200, 200, 205)):
        # Brushed or polished metal faces catch a soft highlight.
        yy = np.linspace(0, 1, mh, dtype=np.float32)[:, None]
        gloss = np.ascontiguousarray(
            np.broadcast_to(rng.uniform(20, 60) * np.exp(-(((yy - 0.35) / 0.3) ** 2)), (mh, mw))
        )
    relief = edge_relief(mask, 1.0, 0.8, (-0.7, -0.7))
    edge = mix(colour, (0, 0, 0), 0.45)
    return Piece(
        albedo, mask, relief.astype(np.float32), gloss, None, max(3.0, mh * rng.uniform(0.08, 0.2)), edge
    )


# --------------------------------------------------------------------------- layouts


def _plaque(rng: Rng, fonts: FontLibrary, scale: float) -> Piece:
    lines = notice_lines(rng)
    longest = max(len(s) for s in lines)
    w = scale * rng.uniform(0.9, 1.3) * (1.0 + 0.08 * min(longest, 14))
    h = scale * (0.45 + 0.22 * len(lines)) * rng.uniform(0.8, 1.1)
    return board(rng, fonts, int(w), int(h), lines, kind="plaque")


def _street_plate(rng: Rng, fonts: FontLibrary, scale: float) -> Piece:
    lines = street_lines(rng)
    w = scale * rng.uniform(1.6, 2.6)
    h = scale * (0.45 + 0.25 * len(lines))
    return board(rng, fonts, int(w), int(h), lines, kind="street", material=rng.choice(["paint", "metal"]))


def _shop_board(rng: Rng, fonts: FontLibrary, w: float, h: float, emissive: bool) -> Piece:
    main, second = shop_name(rng)
    lines = [main] + ([second] if second else [])
    material = "acrylic" if emissive else None
    return board(rng, fonts, int(w), int(h), lines, kind="fascia", material=material, emissive=emissive)


def _vertical_board(rng: Rng, fonts: FontLibrary, h: float) -> Piece:
    cn, _ = rng.choice(SHOP_TYPES)
    text = (rng.choice(BRANDS_CHINESE) + cn)[:6]
    w = h / max(3, len(text)) * rng.uniform(1.2, 1.5)
    return board(rng, fonts, int(w), int(h), [text], kind="fascia", vertical=True)


def _paint_lettering(
    rng: Rng, fonts: FontLibrary, wall: Wall, x: float, y: float, w: float, h: float
) -> None:
    text = rng.choice([shop_name(rng)[0], rng.choice(GYM_WORDS), *notice_lines(rng)])
    mask = text_mask(rng, fonts, text, w, h, bold=rng.chance(0.7), decorative=rng.chance(0.25))
    mean = wall.albedo[::8, ::8].reshape(-1, 3).mean(axis=0)
    colour = text_colour_for(rng, tuple(float(c) for c in mean), 3.0, 15.0, saturated=0.5)
    coverage = wear(rng, mask.shape[0], mask.shape[1], rng.uniform(0.1, 0.8))
    wall.paint_text(mask, x + (w - mask.shape[1]) / 2, y, colour, coverage)


def _window_glass(wall: Wall, rng: Rng, x: float, y: float, w: float, h: float) -> None:
    """A shop window / glazed door: dark glass with a sky reflection, in an aluminium frame."""
    x0, y0, x1, y1, _, _ = wall.window(x, y, int(w), int(h), 0)
    if x1 <= x0 or y1 <= y0:
        return
    gh, gw = y1 - y0, x1 - x0
    t = np.linspace(0, 1, gh, dtype=np.float32)[:, None, None]
    top = np.asarray(rng.choice([(70, 80, 92), (50, 56, 62), (90, 100, 110)]), np.float32)
    glass = top * (1 - t) + top * 0.45 * t
    inside = fbm(rng, gh, gw, 3, 2)[:, :, None]  # blurred shapes inside the shop
    glass = glass * (0.75 + 0.5 * inside)
    wall.albedo[y0:y1, x0:x1] = glass
    wall.relief[y0:y1, x0:x1] = 1.0
    xx = np.linspace(0, 1, gw, dtype=np.float32)[None, :]
    streak = np.exp(-((((xx * 0.8 + t[:, :, 0] * 0.5) - rng.uniform(0.2, 1.0)) / 0.12) ** 2))
    wall.gloss[y0:y1, x0:x1] += rng.uniform(20, 60) * streak
    frame = max(3, int(min(w, h) * 0.025))
    colour = np.asarray(rng.choice([(190, 192, 195), (40, 40, 42), (120, 90, 60)]), np.float32)
    wall.albedo[y0 : y0 + frame, x0:x1] = colour
    wall.albedo[y1 - frame : y1, x0:x1] = colour
    wall.albedo[y0:y1, x0 : x0 + frame] = colour
    wall.albedo[y0:y1, x1 - frame : x1] = colour
    if gw > 6 * frame and rng.chance(0.6):
        mid = x0 + gw // 2
        wall.albedo[y0:y1, mid - frame // 2 : mid + frame // 2 + 1] = colour


def facade(rng: Rng, fonts: FontLibrary, wall: Wall, night: bool) -> None:
    """A storefront: shop fascia (board or 3-D letters), glazing with posters, plaques, sky."""
    w, h = wall.view.w, wall.view.h
    _ox, oy = wall.origin
    H, W = wall.relief.shape
    top = h * rng.uniform(0.0, 0.28)
    if rng.chance(0.35):
        # The roofline: sky above it (the cornice casts a soft band of shade).
        roof = int(top - h * rng.uniform(0.03, 0.12) - oy)
        if 0 < roof < H:
            wall.sky_below = roof
            wall.shadow[roof : roof + max(2, h // 40)] *= 0.7
    fascia_h = h * rng.uniform(0.12, 0.24)
    fascia_x = w * rng.uniform(-0.2, 0.12)
    fascia_w = w * rng.uniform(0.7, 1.15)
    if rng.chance(0.3):
        main, _ = shop_name(rng)
        if wall.sky_below < 0 and rng.chance(0.5):
            band = np.asarray(rng.choice([(60, 60, 62), (150, 30, 30), (235, 235, 230)]), np.float32)
            x0, y0, x1, y1, _, _ = wall.window(fascia_x, top, int(fascia_w), int(fascia_h), 0)
            wall.albedo[y0:y1, x0:x1] = band
            wall.relief[y0:y1, x0:x1] = 1.0
        wall.place(
            channel_letters(rng, fonts, main, fascia_w * 0.85, fascia_h * 0.7),
            fascia_x + fascia_w * 0.06,
            top + fascia_h * 0.15,
        )
    else:
        wall.place(_shop_board(rng, fonts, fascia_w, fascia_h, night or rng.chance(0.2)), fascia_x, top)
    glass_top = top + fascia_h + h * rng.uniform(0.02, 0.06)
    ground = glass_top + h * rng.uniform(0.5, 0.85)
    panes = rng.integer(1, 3)
    pane_w = fascia_w / panes
    for i in range(panes):
        _window_glass(
            wall, rng, fascia_x + i * pane_w + pane_w * 0.04, glass_top, pane_w * 0.92, ground - glass_top
        )
    gy = int(ground - oy)
    if gy < H:
        pave = np.asarray(rng.choice([(120, 120, 118), (150, 145, 138), (95, 95, 98)]), np.float32)
        wall.albedo[max(0, gy) :] = pave * (0.85 + 0.3 * fbm(rng, H - max(0, gy), W, 6, 3))[:, :, None]
        wall.relief[max(0, gy) :] = 1.0
    for _ in range(rng.integer(0, 2)):
        pw = pane_w * rng.uniform(0.25, 0.45)
        piece = poster(rng, fonts, int(pw), int(pw * rng.uniform(1.2, 1.5)), promo=rng.chance(0.35))
        px = fascia_x + rng.uniform(0.05, 0.75) * fascia_w
        wall.place(piece, px, glass_top + (ground - glass_top) * rng.uniform(0.08, 0.3))
    if rng.chance(0.6):
        side = fascia_x + fascia_w + w * 0.03 if rng.chance(0.5) else fascia_x - w * 0.22
        wall.place(
            _plaque(rng, fonts, h * rng.uniform(0.07, 0.12)), side, glass_top + h * rng.uniform(0.05, 0.3)
        )
    if rng.chance(0.2):
        wall.place(
            _vertical_board(rng, fonts, h * rng.uniform(0.35, 0.55)), fascia_x + fascia_w + w * 0.02, top
        )


def close_wall(rng: Rng, fonts: FontLibrary, wall: Wall, interior: bool) -> None:
    """A wall seen up close, carrying one or two pieces of text."""
    w, h = wall.view.w, wall.view.h
    options = ["plaque", "street", "poster", "painted", "letters", "board"]
    weights = [3, 2, 2, 2, 2, 2]
    if interior:
        options += ["menu", "neon"]
        weights += [2, 1]
    count = 1 if rng.chance(0.6) else 2
    for i in range(count):
        kind = rng.weighted(options, weights)
        cx = w * (0.5 if count == 1 else (0.3 + 0.4 * i)) + w * rng.uniform(-0.12, 0.12)
        cy = h * rng.uniform(0.3, 0.55 if not interior else 0.4)
        scale = min(w, h) * rng.uniform(0.22, 0.38) / (1.0 if count == 1 else 1.3)
        piece: Piece | None = None
        if kind == "plaque":
            piece = _plaque(rng, fonts, scale)
        elif kind == "street":
            piece = _street_plate(rng, fonts, scale)
        elif kind == "poster":
            piece = poster(rng, fonts, int(scale * 1.6), int(scale * 2.2), promo=rng.chance(0.15))
        elif kind == "menu":
            piece = chalkboard(rng, fonts, int(scale * 2.0), int(scale * 2.6))
        elif kind == "neon":
            piece = neon(rng, fonts, int(scale * 3.0), int(scale * 1.2))
        elif kind == "board":
            piece = _shop_board(
                rng, fonts, scale * rng.uniform(2.5, 3.8), scale * rng.uniform(0.6, 1.0), rng.chance(0.15)
            )
        elif kind == "letters":
            text = rng.choice([shop_name(rng)[0], rng.choice(GYM_WORDS)])
            piece = channel_letters(rng, fonts, text, scale * 3.5, scale * 0.8)
        else:
            _paint_lettering(rng, fonts, wall, cx - scale * 1.9, cy - scale * 0.4, scale * 3.8, scale * 0.9)
        if piece is not None:
            ph, pw = piece.alpha.shape
            wall.place(piece, cx - pw / 2, cy - ph / 2)
    if rng.chance(0.3) and not interior:
        # A downpipe or conduit running down the wall.
        x = w * rng.uniform(0.05, 0.95)
        pw = max(4, int(w * rng.uniform(0.015, 0.03)))
        pipe = np.ones((int(h * 3), pw), np.float32)
        albedo = np.empty((*pipe.shape, 3), np.float32)
        albedo[:] = np.asarray(rng.choice([(200, 200, 198), (90, 90, 92), (140, 110, 80)]), np.float32)
        nx = np.linspace(-1, 1, pw, dtype=np.float32)[None, :]
        relief = np.broadcast_to(0.55 + 0.55 * np.sqrt(np.clip(1 - nx * nx, 0, 1)), pipe.shape).astype(
            np.float32
        )
        wall.place(Piece(albedo, pipe, relief, None, None, pw * 0.8, (60, 60, 60)), x, -h)


# --------------------------------------------------------------------------- light and warp


def lit(rng: Rng, wall: Wall, night: bool) -> np.ndarray:
    """Radiance of the wall plane: sun + sky, a gradient across it, shadows of unseen objects.
    The light fields are smooth, so they are computed on a 4× coarser grid and upsampled."""
    H, W = wall.relief.shape
    ox, oy = wall.origin
    vw, vh = wall.view.w, wall.view.h
    lh, lw = max(2, H // 4), max(2, W // 4)
    xs = (np.linspace(0, W, lw, dtype=np.float32) + ox - vw / 2) / vw
    ys = (np.linspace(0, H, lh, dtype=np.float32) + oy - vh / 2) / vh
    angle = rng.uniform(0, 2 * math.pi)
    grad = rng.uniform(0.1, 0.6)
    direct = 1.0 + grad * (math.cos(angle) * xs[None, :] + math.sin(angle) * ys[:, None])
    weather = "night" if night else rng.weighted(["sun", "overcast", "shade"], [5, 3, 2])
    if weather == "sun":
        sun, sky = (1.0, 0.96, 0.88), (0.78, 0.85, 1.0)
        ambient = rng.uniform(0.3, 0.5)
        if rng.chance(0.5):
            # The straight shadow edge of a neighbouring building or awning.
            a2 = rng.uniform(0, 2 * math.pi)
            offset = rng.uniform(-0.4, 0.4)
            dist = math.cos(a2) * xs[None, :] + math.sin(a2) * ys[:, None] - offset
            soft = max(rng.uniform(0.004, 0.03), 6.0 / vw)
            direct = direct * (1 - 0.85 / (1 + np.exp(np.clip(-dist / soft, -50, 50))))
        if rng.chance(0.2):
            # Dappled shade of a tree out of frame.
            leaves = fbm(rng, lh, lw, rng.uniform(5, 10), 3)
            depth = rng.uniform(0.4, 0.7)
            direct = direct * (1 - depth * np.clip((leaves - rng.uniform(0.45, 0.6)) * 4, 0, 1))
        exposure = rng.uniform(0.85, 1.05)
    elif weather == "overcast":
        sun, sky = (0.95, 0.97, 1.0), (0.9, 0.93, 1.0)
        ambient = rng.uniform(0.7, 0.9)
        exposure = rng.uniform(0.95, 1.15)
    elif weather == "shade":
        sun, sky = (0.9, 0.95, 1.0), (0.75, 0.85, 1.0)
        ambient = rng.uniform(0.8, 0.95)
        exposure = rng.uniform(0.8, 1.0)
    else:
        sun, sky = (1.0, 0.8, 0.55), (0.35, 0.42, 0.65)
        ambient = rng.uniform(0.25, 0.45)
        # A street lamp's pool of light somewhere on the wall.
        cx, cy = rng.uniform(-0.4, 0.4), rng.uniform(-0.6, 0.1)
        direct = np.exp(-((xs[None, :] - cx) ** 2 + (ys[:, None] - cy) ** 2) / rng.uniform(0.1, 0.4))
        exposure = rng.uniform(0.35, 0.55)
    direct = cv2.resize(np.asarray(direct, np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    base = wall.relief * wall.shadow
    radiance = np.empty_like(wall.albedo)
    for c in range(3):
        channel = direct * np.float32(sun[c] * (1 - ambient) * exposure)
        channel += np.float32(sky[c] * ambient * exposure)
        channel *= base
        channel *= wall.albedo[:, :, c]
        radiance[:, :, c] = channel
    if wall.gloss.any():
        radiance += (wall.gloss * direct * np.float32(exposure))[:, :, None]
    if wall.glow is not None:
        radiance += wall.glow * np.float32(1.0 if night else 0.45)
        if night:
            bloom = soft_blur(wall.glow, max(3.0, vw / 120))
            radiance += bloom * np.float32(rng.uniform(0.3, 0.7))
    if wall.sky_below > 0:
        top = np.asarray(rng.choice([(150, 190, 235), (205, 215, 225), (235, 238, 240)]), np.float32)
        if night:
            top = np.asarray((25, 30, 55), np.float32)
        rows = wall.sky_below
        t = np.linspace(0, 1, rows, dtype=np.float32)[:, None, None]
        radiance[:rows] = top * (1 - t) + np.asarray(mix(top, (255, 255, 255), 0.3), np.float32) * t
    return radiance


def warp_to_image(wall: Wall, radiance: np.ndarray) -> np.ndarray:
    ox, oy = wall.origin
    shift_origin = np.asarray([[1, 0, ox], [0, 1, oy], [0, 0, 1]], np.float64)
    matrix = wall.homography @ shift_origin
    return cv2.warpPerspective(
        radiance.astype(np.float32),
        matrix,
        (wall.view.w, wall.view.h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REFLECT,
    )


# --------------------------------------------------------------------------- foreground and camera


def occluders(rng: Rng, image: np.ndarray, night: bool) -> np.ndarray:
    """Things between the camera and the wall: a pole, foliage, cables (closer, so blurrier).
    They are out of focus, so they are drawn at half resolution and scaled up."""
    full_h, full_w = image.shape[:2]
    h, w = max(8, full_h // 2), max(8, full_w // 2)
    blur = rng.uniform(0.6, 2.5)  # at half resolution
    layer = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    what = rng.sample(["pole", "foliage", "cables"], rng.integer(1, 2))
    for item in what:
        if item == "pole":
            pw = max(4, int(w * rng.uniform(0.015, 0.05)))
            x = rng.integer(0, w - pw)
            lean = rng.uniform(-0.04, 0.04) * h
            pts = np.asarray([[x, -5], [x + pw, -5], [x + pw + lean, h + 5], [x + lean, h + 5]], np.int32)
            m = np.zeros((h, w), np.float32)
            cv2.fillConvexPoly(m, pts, 1.0, cv2.LINE_AA)
            colour = np.asarray(
                rng.choice([(70, 72, 75), (40, 70, 50), (160, 160, 158), (30, 30, 30)]), np.float32
            )
            xs = (
                np.arange(w, dtype=np.float32)[None, :]
                - x
                - np.linspace(0, lean, h, dtype=np.float32)[:, None]
            ) / pw
            shade = 0.45 + 0.7 * np.clip(np.clip(np.sin(np.clip(xs, 0, 1) * math.pi), 0, 1) ** 0.6, 0, 1) * (
                1.1 - 0.6 * np.clip(xs, 0, 1)
            )
            layer = layer * (1 - m[:, :, None]) + colour * shade[:, :, None] * m[:, :, None]
            alpha = np.maximum(alpha, m)
        elif item == "foliage":
            # A bush or branch close to the lens: an organic clump growing in from one edge,
            # with leaf-sized light and dark patches.
            sh, sw = max(2, h // 4), max(2, w // 4)
            clump = fbm(rng, sh, sw, rng.uniform(3, 6), 4)
            edge = rng.choice(["left", "right", "top", "bottom"])
            reach = rng.uniform(0.15, 0.35)
            ramp_x = np.linspace(0, 1, sw, dtype=np.float32)[None, :]
            ramp_y = np.linspace(0, 1, sh, dtype=np.float32)[:, None]
            dist = {"left": ramp_x, "right": 1 - ramp_x, "top": ramp_y, "bottom": 1 - ramp_y}[edge]
            density = clump * 0.7 + np.clip(1 - dist / reach, 0, 1) * 0.8
            m = cv2.resize(np.clip((density - 0.75) * 6, 0, 1).astype(np.float32), (w, h))
            leaves = value_noise(rng, h, w, w / rng.uniform(10, 25))
            dark = np.asarray(rng.choice([(20, 45, 18), (35, 60, 25), (30, 40, 20)]), np.float32)
            light = np.asarray(rng.choice([(70, 120, 45), (95, 140, 60), (120, 150, 70)]), np.float32)
            col = dark + (light - dark) * leaves[:, :, None]
            layer = layer * (1 - m[:, :, None]) + col * m[:, :, None]
            alpha = np.maximum(alpha, m)
        else:
            m = np.zeros((h, w), np.float32)
            for _ in range(rng.integer(1, 3)):
                y0, y1 = rng.uniform(-0.1, 0.4) * h, rng.uniform(-0.1, 0.4) * h
                sag = rng.uniform(0.02, 0.12) * h
                xs = np.linspace(-10, w + 10, 60)
                t = xs / w
                ys = y0 + (y1 - y0) * t + sag * 4 * t * (1 - t)
                pts = np.stack([xs, ys], axis=1).astype(np.int32)
                cv2.polylines(m, [pts], False, 1.0, max(1, int(w / rng.uniform(300, 700))), cv2.LINE_AA)
            layer = layer * (1 - m[:, :, None]) + 25.0 * m[:, :, None]
            alpha = np.maximum(alpha, m)
    if night:
        layer *= 0.3
    # `layer` is premultiplied by coverage, so after the blur edges blend like a defocused object.
    layer = cv2.resize(soft_blur(layer, blur), (full_w, full_h), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.resize(soft_blur(alpha, blur), (full_w, full_h), interpolation=cv2.INTER_LINEAR)
    return image * (1 - alpha[:, :, None]) + layer


def photograph(
    rng: Rng,
    pixels: np.ndarray,
    size: tuple[int, int],
    noise_scale: float = 1.0,
    blur: tuple[float, float] = (0.3, 1.3),
    vignette: float = 0.6,
) -> np.ndarray:
    """The camera, applied to the whole frame: defocus or motion blur, then white balance,
    vignetting, in-camera sharpening and signal-dependent sensor noise at the sensor's
    resolution, then resampling to `size` (w, h)."""
    w, h = size
    rh, rw = pixels.shape[:2]
    factor = rw / w
    if rng.chance(0.15):
        length = rng.uniform(2.0, 6.0) * factor
        angle = rng.uniform(0, math.pi)
        k = math.ceil(length) | 1
        kernel = np.zeros((k, k), np.float32)
        c = k // 2
        cv2.line(
            kernel,
            (int(c - math.cos(angle) * length / 2), int(c - math.sin(angle) * length / 2)),
            (int(c + math.cos(angle) * length / 2), int(c + math.sin(angle) * length / 2)),
            1.0,
            1,
            cv2.LINE_AA,
        )
        kernel /= max(float(kernel.sum()), 1e-6)
        pixels = cv2.filter2D(pixels, -1, kernel)
    else:
        pixels = cv2.GaussianBlur(pixels, (0, 0), rng.uniform(*blur) * factor)
    # Everything below happens at the sensor's resolution, before the file is resampled to
    # `size` (noise and sharpening of an upscaled photo are upscaled with it).
    pixels = np.ascontiguousarray(pixels, np.float32)
    balance = np.asarray([rng.uniform(0.94, 1.06), 1.0, rng.uniform(0.94, 1.06)], np.float32)
    pixels *= balance
    if rng.chance(vignette):
        xs = (np.arange(rw, dtype=np.float32) / rw - 0.5) ** 2
        ys = (np.arange(rh, dtype=np.float32) / rh - 0.5) ** 2
        pixels *= (1 - rng.uniform(0.05, 0.3) * 2 * (xs[None, :] + ys[:, None]))[:, :, None]
    if rng.chance(0.5):
        soft = cv2.GaussianBlur(pixels, (0, 0), rng.uniform(0.8, 1.6) * max(1.0, factor))
        amount = rng.uniform(0.2, 0.8)
        pixels = cv2.addWeighted(pixels, 1 + amount, soft, -amount, 0)
    # Averaging down a supersampled frame would wash the noise out: scale it up to compensate.
    shot = rng.uniform(0.15, 0.6) * noise_scale * max(1.0, factor)
    read = rng.uniform(0.6, 2.5) * noise_scale * max(1.0, factor)
    luma = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    np.sqrt(np.clip(luma, 0, 255, out=luma), out=luma)
    luma *= shot
    luma += read
    noise = rng.gen.standard_normal((rh, rw), dtype=np.float32)
    noise *= luma
    chroma = rng.gen.standard_normal((max(1, rh // 3), max(1, rw // 3), 3), dtype=np.float32)
    chroma = cv2.resize(chroma, (rw, rh), interpolation=cv2.INTER_LINEAR)
    chroma *= read * 0.8
    chroma += noise[:, :, None]
    pixels += chroma
    if (rw, rh) != (w, h):
        interpolation = cv2.INTER_AREA if rw > w else cv2.INTER_CUBIC
        pixels = cv2.resize(pixels, (w, h), interpolation=interpolation)
    return np.clip(pixels, 0, 255, out=pixels)


# --------------------------------------------------------------------------- street scenes


def street_background(rng: Rng, h: int, w: int) -> np.ndarray:
    """A street behind a signpost: sky, building fronts with windows, trees, road — out of focus."""
    sky_top = np.asarray(rng.choice([(120, 170, 225), (190, 200, 212), (225, 230, 236)]), np.float32)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img = np.broadcast_to(
        sky_top * (1 - t) + np.asarray(mix(sky_top, (255, 255, 255), 0.5)) * t, (h, w, 3)
    ).copy()
    horizon = int(h * rng.uniform(0.55, 0.8))
    facades = [
        (175, 172, 165),
        (205, 195, 175),
        (150, 85, 65),
        (95, 110, 128),
        (225, 222, 215),
        (120, 120, 118),
    ]
    x = -rng.integer(0, w // 4)
    while x < w:
        bw = rng.integer(w // 7, w // 3)
        top = int(h * rng.uniform(0.02, 0.45))
        colour = np.asarray(rng.choice(facades), np.float32) * rng.uniform(0.8, 1.1)
        x0 = max(0, x)
        img[top:horizon, x0 : x + bw] = colour
        glass = tuple(float(c) for c in np.asarray(rng.choice([(60, 70, 85), (110, 130, 150), (40, 40, 45)])))
        step_y, step_x = max(10, int(h * rng.uniform(0.04, 0.07))), max(10, int(w * rng.uniform(0.03, 0.06)))
        for wy in range(top + step_y // 2, horizon - step_y, step_y):
            for wx in range(x + step_x // 3, x + bw - step_x // 2, step_x):
                if 0 <= wx < w:
                    cv2.rectangle(img, (wx, wy), (wx + step_x // 2, wy + step_y // 2), glass, -1)
        x += bw + rng.integer(0, w // 25)
    road = np.asarray(rng.choice([(90, 90, 92), (120, 118, 115), (105, 100, 95)]), np.float32)
    img[horizon:] = road
    img[horizon : horizon + max(2, h // 60)] *= 0.6  # kerb
    if rng.chance(0.7):
        # Street trees: leafy clumps standing on the pavement.
        clump = fbm(rng, max(2, h // 4), max(2, w // 4), rng.uniform(4, 8), 3)
        band = np.clip(
            1 - np.abs(np.linspace(-1, 1, max(2, h // 4), dtype=np.float32) - 0.1)[:, None] * 1.6, 0, 1
        )
        trees = cv2.resize(np.clip((clump * band - 0.45) * 5, 0, 1).astype(np.float32), (w, h))
        green = np.asarray(rng.choice([(45, 70, 35), (70, 95, 45), (60, 75, 50)]), np.float32)
        img = (
            img * (1 - trees[:, :, None])
            + green * (0.8 + 0.4 * fbm(rng, h, w, 12, 2))[:, :, None] * trees[:, :, None]
        )
    img *= (0.92 + 0.16 * fbm(rng, h, w, 4, 2))[:, :, None]
    return soft_blur(img, rng.uniform(5.0, 12.0) * w / 800)


def street_sign(
    rng: Rng, fonts: FontLibrary, w: int, h: int, backdrop: np.ndarray | None = None
) -> np.ndarray:
    """One to three plates on a post in front of a defocused street (or of `backdrop`, a real
    photo, thrown out of focus as a long lens at a short distance would)."""
    if backdrop is not None:
        bh, bw = backdrop.shape[:2]
        scale = max(w / bw, h / bh)
        cw, ch = min(bw, round(w / scale)), min(bh, round(h / scale))
        x0, y0 = rng.integer(0, bw - cw), rng.integer(0, bh - ch)
        crop = backdrop[y0 : y0 + ch, x0 : x0 + cw].astype(np.float32)
        image = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        image = soft_blur(image, rng.uniform(4.0, 10.0) * w / 800)
    else:
        image = street_background(rng, h, w)
    view, homography = fit_view(rng, w, h, 35.0, 0.35)
    post_x = w * rng.uniform(0.3, 0.7)
    scale = min(w, h) * rng.uniform(0.18, 0.3)
    y = h * rng.uniform(0.08, 0.3)
    plates: list[tuple[Piece, float, float]] = []
    for _ in range(rng.integer(1, 3)):
        piece = _street_plate(rng, fonts, scale) if rng.chance(0.75) else _plaque(rng, fonts, scale * 0.9)
        ph, pw = piece.alpha.shape
        anchor = rng.choice(["centre", "left", "right"])
        x = post_x - pw / 2 if anchor == "centre" else (post_x if anchor == "left" else post_x - pw)
        if x < w * 0.03 or x + pw > w * 0.97:
            x = post_x - pw / 2
        plates.append((piece, x, y))
        y += ph + scale * rng.uniform(0.05, 0.25)
        if y > h * 0.8:
            break
    sun = rng.uniform(0.6, 1.4)
    tint = np.ones(3, np.float32)
    if backdrop is not None:
        # Lit like the place in the photo: its brightness and colour cast.
        mean = image.reshape(-1, 3).mean(axis=0)
        sun = float(np.clip(mean.mean() / 150 * rng.uniform(0.85, 1.15), 0.4, 1.3))
        tint = np.sqrt(mean / max(float(mean.mean()), 1.0)).astype(np.float32)
    layer = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)

    def put(rgb: np.ndarray, a: np.ndarray, x: float, top: float, edge: RGB | None, depth: float) -> None:
        """Warp a lit, flat object at plane point (x, top) into the frame; with `depth`, its
        edge shows on the side facing the camera."""
        nonlocal layer, alpha
        if edge is not None and depth > 0:
            ph, pw = a.shape
            px, py = view.parallax(x + pw / 2, top + ph / 2, depth)
            pad = math.ceil(max(abs(px), abs(py))) + 2
            a = np.pad(a, pad)
            rgb = np.pad(rgb, ((pad, pad), (pad, pad), (0, 0)))
            face = shift(a, px, py)
            steps = max(1, math.ceil(math.hypot(px, py)))
            side = np.zeros_like(a)
            for i in range(steps):
                side = np.maximum(side, shift(a, px * i / steps, py * i / steps))
            side = np.clip(side - face, 0, 1)
            edge_rgb = np.asarray(edge, np.float32) * 0.7 * sun
            rgb = shift(rgb, px, py) * face[:, :, None] + edge_rgb * side[:, :, None]
            a = np.clip(face + side, 0, 1)
            rgb = rgb / np.maximum(a, 1e-4)[:, :, None]
            x, top = x - pad, top - pad
        matrix = homography @ np.asarray([[1, 0, x], [0, 1, top], [0, 0, 1]], np.float64)
        wa = cv2.warpPerspective(a.astype(np.float32), matrix, (w, h), flags=cv2.INTER_LINEAR)
        premultiplied = (rgb * a[:, :, None]).astype(np.float32)
        warped = cv2.warpPerspective(premultiplied, matrix, (w, h), flags=cv2.INTER_LINEAR)
        layer = layer * (1 - wa[:, :, None]) + warped
        alpha = np.maximum(alpha, wa)

    # The post the plates are bolted to, a lit cylinder in the same plane.
    post_w = max(5, int(w * rng.uniform(0.015, 0.03)))
    post_h = int(h * 3)
    nx = np.linspace(-1, 1, post_w, dtype=np.float32)[None, :]
    shading = 0.5 + 0.6 * np.sqrt(np.clip(1 - nx * nx, 0, 1))
    post_colour = np.asarray(rng.choice([(150, 150, 150), (60, 62, 65), (40, 80, 55)]), np.float32)
    post_rgb = np.broadcast_to(post_colour * shading[:, :, None] * sun, (post_h, post_w, 3)).astype(
        np.float32
    )
    put(post_rgb, np.ones((post_h, post_w), np.float32), post_x - post_w / 2, -h * 0.5, None, 0.0)
    gradient_angle = rng.uniform(0, 2 * math.pi)
    for piece, x, top in plates:
        ph, pw = piece.alpha.shape
        gx = np.linspace(-0.5, 0.5, pw, dtype=np.float32)[None, :] * math.cos(gradient_angle)
        gy = np.linspace(-0.5, 0.5, ph, dtype=np.float32)[:, None] * math.sin(gradient_angle)
        relief = piece.relief * (1 + rng.uniform(0.1, 0.4) * (gx + gy))
        # Retro-reflective sheeting: a broad sheen across the face.
        sheen = rng.uniform(0, 25) * np.exp(-((((gx + gy) - rng.uniform(-0.3, 0.3)) / 0.2) ** 2))
        if piece.gloss is not None:
            sheen = sheen + piece.gloss
        rgb = piece.albedo * (relief * sun)[:, :, None] + sheen[:, :, None] * 0.8
        put(rgb, piece.alpha, x, top, piece.edge_colour, rng.uniform(1.5, 4.0) * scale / 100)
    return image * (1 - alpha[:, :, None]) + layer * tint


# --------------------------------------------------------------------------- entry points


def render_size(rng: Rng, w: int, h: int) -> tuple[int, int]:
    """The size to render a (w, h) photo at: a little larger than small outputs (the camera
    downsamples), at most RENDER_MAX_SIDE for big ones (the camera then resamples up; the
    psoriasis service analyses images at 1024 px anyway, so nothing it sees is lost)."""
    ss = rng.uniform(1.0, 1.3) if max(w, h) <= 900 else 1.0
    ss = min(ss, RENDER_MAX_SIDE / max(w, h))
    return max(16, int(w * ss)), max(16, int(h * ss))


def wall_scene(rng: Rng, fonts: FontLibrary, w: int, h: int, style: str) -> np.ndarray:
    """A facade or close wall photographed from a random viewpoint (render-size pixels)."""
    interior = style == "interior"
    view, homography = fit_view(rng, w, h, 25.0 if interior else 42.0, 0.45 if interior else 0.3)
    material = rng.choice(["plaster", "plaster", "brick", "tiles", "wood", "concrete"]) if interior else None
    wall = make_wall(rng, view, homography, material)
    night = style == "facade" and rng.chance(0.15)
    if style == "facade":
        facade(rng, fonts, wall, night)
    else:
        close_wall(rng, fonts, wall, interior)
    image = warp_to_image(wall, lit(rng, wall, night))
    if not interior and rng.chance(0.4):
        image = occluders(rng, image, night)
    return image


def interior_scene(rng: Rng, fonts: FontLibrary, w: int, h: int) -> np.ndarray:
    """A sign, poster or menu on the wall behind products standing on a table (the wall is a
    little out of focus, the products are not)."""
    back = wall_scene(rng, fonts, w, h, "interior")
    back = soft_blur(back, rng.uniform(0.6, 2.5) * w / 900)
    split = rng.uniform(0.62, 0.8)
    top = int(h * split)
    table = wood(rng, h - top, w) if rng.chance(0.6) else marble(rng, h - top, w)
    table *= np.linspace(1.0, rng.uniform(0.75, 0.95), h - top, dtype=np.float32)[:, None, None]
    back[top:] = table
    back[top : top + max(2, h // 200)] *= 0.75
    shadow = ShadowSpec(rng.uniform(0.3, 0.6), rng.uniform(0.1, 0.3), (rng.uniform(-0.05, 0.05), 0.02), 0.05)
    stage, _ = stage_products(
        rng,
        back,
        fonts,
        fill=(0.3, 0.5),
        shadow=shadow,
        print_probability=0.5,
        centre=(rng.uniform(0.35, 0.65), 0.5),
        bottom=rng.uniform(split + 0.08, 0.97),
    )
    return stage.pixels


def scene_text_image(
    rng: Rng, fonts: FontLibrary, w: int, h: int, backdrop: np.ndarray | None = None
) -> np.ndarray:
    """A photo (h, w, 3 float) of a scene with physical text in it: facade, wall, signpost or
    a product on a table in front of a wall sign. With `backdrop` (a real photo), a signpost
    stands in front of it."""
    style = (
        "street"
        if backdrop is not None
        else rng.weighted(["facade", "wall", "street", "interior"], [4, 3, 2, 2])
    )
    rw, rh = render_size(rng, w, h)
    if style == "street":
        pixels = street_sign(rng, fonts, rw, rh, backdrop)
        if rng.chance(0.3):
            pixels = occluders(rng, pixels, False)
    elif style == "interior":
        pixels = interior_scene(rng, fonts, rw, rh)
    else:
        pixels = wall_scene(rng, fonts, rw, rh, style)
    return photograph(rng, np.clip(pixels, 0, 255).astype(np.float32), (w, h))
