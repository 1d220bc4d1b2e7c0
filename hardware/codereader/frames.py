"""Synthetic camera frames with a QR code in them, for the simulator and the benchmark.

A frame is what a lobby camera sees when a patient holds up a card or a phone: a textured,
unevenly lit background, a light card with a QR (quiet zone, some printed lines around it),
rotated and tilted, then camera effects — blur, sensor noise, glare, JPEG compression. All
randomness comes from the numpy Generator passed in, so a seed reproduces a frame exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import segno

FRAME_W, FRAME_H = 1280, 720
QUIET = 4  # modules of quiet zone (the QR standard's minimum)


@dataclass(frozen=True)
class FrameSpec:
    """How one frame is made. `qr_fraction` is the QR's width (without quiet zone) over the
    frame width, before tilt; the other fields are camera and scene effects."""

    qr_fraction: float = 0.3
    angle_deg: float = 0.0
    tilt: float = 0.0  # corner jitter, as a fraction of the QR size (perspective)
    center: tuple[float, float] = (0.5, 0.5)  # QR centre, as fractions of the frame
    blur_sigma: float = 0.0
    motion_px: int = 0  # length of a linear motion-blur kernel (0 = none)
    noise_sigma: float = 0.0
    glare: float = 0.0  # peak brightness added by one specular spot (0-255)
    glare_pos: tuple[float, float] = (0.5, 0.5)  # relative to the QR
    light_low: float = 1.0  # darkest factor of the lighting gradient across the frame
    jpeg_quality: int = 0  # 0 = no compression
    card_tint: tuple[int, int, int] = (245, 245, 240)  # RGB of the card's paper/plastic
    contrast: float = 1.0  # 1 = black modules on white; lower = faded print / dim screen

    @property
    def clean(self) -> bool:
        return self == clean_spec(self.qr_fraction, self.center)


def clean_spec(qr_fraction: float = 0.3, center: tuple[float, float] = (0.5, 0.5)) -> FrameSpec:
    """A straight, sharp, evenly lit QR: what every decoder must read."""
    return FrameSpec(qr_fraction=qr_fraction, center=center)


def random_spec(rng: np.random.Generator, hard: bool = True) -> FrameSpec:
    """A random scene. `hard` covers the benchmark's range (rotation, perspective, blur, noise,
    glare, JPEG, QR 15-40 % of the frame width); otherwise a mild one for the simulator."""
    u = rng.uniform
    if not hard:
        return FrameSpec(
            qr_fraction=float(u(0.24, 0.32)),
            angle_deg=float(u(-6, 6)),
            tilt=float(u(0.0, 0.04)),
            center=(float(u(0.42, 0.58)), float(u(0.42, 0.58))),
            blur_sigma=float(u(0.3, 0.8)),
            noise_sigma=float(u(2, 5)),
            light_low=float(u(0.75, 0.95)),
            glare=float(u(0, 40)),
            glare_pos=(float(u(0.1, 0.9)), float(u(0.1, 0.9))),
            jpeg_quality=int(rng.integers(80, 95)),
        )
    frac = float(u(0.15, 0.40))
    half = frac / 2 + 0.05
    tint = tuple(int(v) for v in rng.integers(205, 256, size=3))
    return FrameSpec(
        qr_fraction=frac,
        angle_deg=float(u(-180, 180)) if rng.random() < 0.3 else float(u(-30, 30)),
        tilt=float(u(0.0, 0.15)),
        center=(
            float(u(half, 1 - half)),
            float(u(0.5 - 0.28 * (1 - frac), 0.5 + 0.28 * (1 - frac))),
        ),
        blur_sigma=float(u(0.0, 2.2)),
        motion_px=int(rng.integers(2, 8)) if rng.random() < 0.3 else 0,
        noise_sigma=float(u(0, 14)),
        glare=float(u(40, 200)) if rng.random() < 0.5 else 0.0,
        glare_pos=(float(u(0.0, 1.0)), float(u(0.0, 1.0))),
        light_low=float(u(0.35, 1.0)),
        jpeg_quality=int(rng.integers(25, 92)) if rng.random() < 0.8 else 0,
        card_tint=(tint[0], tint[1], tint[2]),
        contrast=float(u(0.45, 1.0)),
    )


def qr_matrix(payload: bytes | str, error: str = "m") -> np.ndarray:
    """The module matrix (1 = dark) of a QR holding exactly these bytes (UTF-8 for text)."""
    data = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    qr = segno.make_qr(data, error=error)
    return np.asarray(qr.matrix, dtype=np.uint8)


def _background(rng: np.random.Generator) -> np.ndarray:
    """A smooth, textured scene: low-frequency colour field, a few objects, fine texture."""
    base = rng.integers(60, 190, size=3).astype(np.float32)  # a lobby's muted colours
    shade = rng.normal(0, 35, size=(9, 16, 1)).astype(np.float32)
    tint = rng.normal(0, 10, size=(9, 16, 3)).astype(np.float32)
    small = np.clip(base + shade + tint, 0, 255).astype(np.uint8)
    bg = cv2.resize(small, (FRAME_W, FRAME_H), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(2, 6))):  # furniture, a counter edge, a sleeve...
        x0, y0 = int(rng.integers(0, FRAME_W)), int(rng.integers(0, FRAME_H))
        w, h = int(rng.integers(60, 500)), int(rng.integers(40, 300))
        colour = tuple(int(c) for c in rng.integers(20, 230, size=3))
        cv2.rectangle(bg, (x0, y0), (x0 + w, y0 + h), colour, thickness=-1)
    texture = rng.standard_normal(size=(FRAME_H // 4, FRAME_W // 4), dtype=np.float32) * 6
    grain = cv2.resize(texture, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR)
    return cv2.add(bg, cv2.merge([grain, grain, grain]), dtype=cv2.CV_8U)


def _card(
    matrix: np.ndarray, module_px: int, spec: FrameSpec, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The card image (RGB) and the QR's corner points in it (without quiet zone)."""
    n = matrix.shape[0]
    qr = np.where(matrix == 1, 0, 255).astype(np.uint8)
    qr = np.kron(qr, np.ones((module_px, module_px), dtype=np.uint8))
    side = n * module_px
    margin = QUIET * module_px
    extra_left = int(rng.integers(0, 3)) * side // 2  # text beside the QR on some cards
    card_h = side + 2 * margin + module_px * 2
    card_w = side + 2 * margin + extra_left
    card = np.empty((card_h, card_w, 3), dtype=np.uint8)
    card[:] = spec.card_tint
    x0, y0 = extra_left + margin, margin
    dark = 255 * (1 - spec.contrast)
    light = qr.astype(np.float32)[:, :, None] / 255.0
    tint = np.array(spec.card_tint, np.float32)
    card[y0 : y0 + side, x0 : x0 + side] = (light * (tint - dark) + dark).astype(np.uint8)
    for i in range(int(rng.integers(0, 6))):  # printed lines of text left of the QR
        if extra_left < module_px * 6:
            break
        y = margin + i * module_px * 5
        w = int(rng.integers(extra_left // 3, extra_left - margin))
        card[y : y + module_px * 2, margin : margin + w] = (60, 60, 80)
    corners = np.array(
        [[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side]], dtype=np.float32
    )
    return card, corners


def _placement(
    card: np.ndarray,
    qr_corners: np.ndarray,
    qr_px: float,
    n: int,
    module_px: int,
    spec: FrameSpec,
    rng: np.random.Generator,
) -> np.ndarray:
    """The card -> frame homography: scaled, rotated, tilted, and moved so that the whole QR
    with its quiet zone lies inside the frame (a patient re-aims a code that is cut off; the
    benchmark measures decoding, not aiming). A rotation too large to fit is reduced."""
    scale = qr_px / (n * module_px)
    qr_centre = qr_corners.mean(axis=0)
    q = QUIET * module_px
    quiet = qr_corners + np.array([[-q, -q], [q, -q], [q, q], [-q, q]], dtype=np.float32)
    h, w = card.shape[:2]
    card_corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    jitter = rng.uniform(-spec.tilt, spec.tilt, size=(4, 2)).astype(np.float32) * qr_px
    square = round(spec.angle_deg / 90.0) * 90.0
    centre = np.array([spec.center[0] * FRAME_W, spec.center[1] * FRAME_H], dtype=np.float32)
    homography: np.ndarray = np.eye(3)
    for k in np.linspace(1.0, 0.0, 11):
        theta = np.deg2rad(square + (spec.angle_deg - square) * k)
        rot = np.array(
            [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]], dtype=np.float32
        )
        dst = ((card_corners - qr_centre) * scale) @ rot.T + centre + jitter
        homography = cv2.getPerspectiveTransform(card_corners, dst.astype(np.float32))
        pts = cv2.perspectiveTransform(quiet[None, :, :], homography)[0]
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        if hi[0] - lo[0] <= FRAME_W - 4 and hi[1] - lo[1] <= FRAME_H - 4:
            shift = np.maximum(0, 2 - lo) + np.minimum(0, np.array([FRAME_W - 2, FRAME_H - 2]) - hi)
            move = np.array([[1, 0, shift[0]], [0, 1, shift[1]], [0, 0, 1]], dtype=np.float64)
            return move @ homography
    return homography


def render_frame(
    payload: bytes | str, spec: FrameSpec, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    """An RGB frame (720, 1280, 3) showing the payload's QR; also the pixels per module."""
    matrix = qr_matrix(payload)
    n = matrix.shape[0]
    qr_px = spec.qr_fraction * FRAME_W
    ppm = qr_px / n
    module_px = max(4, int(np.ceil(ppm * 1.5)))  # render finer than the target, then warp
    card, qr_corners = _card(matrix, module_px, spec, rng)
    homography = _placement(card, qr_corners, qr_px, n, module_px, spec, rng)
    img = _background(rng)
    cv2.warpPerspective(
        card,
        homography,
        (FRAME_W, FRAME_H),
        dst=img,
        flags=cv2.INTER_AREA,
        borderMode=cv2.BORDER_TRANSPARENT,
    )
    if spec.light_low < 1.0:  # a linear lighting gradient in a random direction
        direction = rng.uniform(0, 2 * np.pi)
        xs = np.linspace(-1, 1, 16, dtype=np.float32)[None, :]
        ys = np.linspace(-1, 1, 9, dtype=np.float32)[:, None]
        ramp = (np.cos(direction) * xs + np.sin(direction) * ys) * 0.5 + 0.5
        small = (spec.light_low + (1 - spec.light_low) * ramp).astype(np.float32)
        gain = cv2.resize(small, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR)
        img = cv2.multiply(img, cv2.merge([gain, gain, gain]), dtype=cv2.CV_8U)
    if spec.glare > 0:  # a specular spot on the card, somewhere over the QR
        qr_dst = cv2.perspectiveTransform(qr_corners[None, :, :], homography)[0]
        lo, hi = qr_dst.min(axis=0), qr_dst.max(axis=0)
        gx = lo[0] + spec.glare_pos[0] * (hi[0] - lo[0])
        gy = lo[1] + spec.glare_pos[1] * (hi[1] - lo[1])
        radius = max(8.0, qr_px * float(rng.uniform(0.08, 0.25)))
        x0, x1 = int(max(0, gx - 3 * radius)), int(min(FRAME_W, gx + 3 * radius))
        y0, y1 = int(max(0, gy - 3 * radius)), int(min(FRAME_H, gy + 3 * radius))
        if x1 > x0 and y1 > y0:
            xs2 = np.arange(x0, x1, dtype=np.float32)[None, :] - gx
            ys2 = np.arange(y0, y1, dtype=np.float32)[:, None] - gy
            spot = spec.glare * np.exp(-(xs2 * xs2 + ys2 * ys2) / (2 * radius * radius))
            roi = img[y0:y1, x0:x1].astype(np.float32) + spot[:, :, None]
            img[y0:y1, x0:x1] = np.clip(roi, 0, 255).astype(np.uint8)
    if spec.motion_px > 1:
        kernel = np.zeros((spec.motion_px, spec.motion_px), np.float32)
        kernel[spec.motion_px // 2, :] = 1.0 / spec.motion_px
        rot_k = cv2.getRotationMatrix2D(
            (spec.motion_px / 2 - 0.5, spec.motion_px / 2 - 0.5), float(rng.uniform(0, 180)), 1.0
        )
        turned = cv2.warpAffine(kernel, rot_k, (spec.motion_px, spec.motion_px))
        turned = (turned / max(float(turned.sum()), 1e-6)).astype(np.float32)
        img = cv2.filter2D(img, -1, turned)
    if spec.blur_sigma > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), spec.blur_sigma)
    if spec.noise_sigma > 0:
        noise = rng.standard_normal(size=img.shape, dtype=np.float32) * np.float32(spec.noise_sigma)
        img = cv2.add(img, noise, dtype=cv2.CV_8U)
    if spec.jpeg_quality:
        img = jpeg_roundtrip(img, spec.jpeg_quality)
    return img, ppm


def jpeg_roundtrip(rgb: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        return rgb
    bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return rgb if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def blank_frame(rng: np.random.Generator) -> np.ndarray:
    """A scene with no code in it (the camera when nobody shows anything)."""
    return _background(rng)


def with_noise(frame: np.ndarray, rng: np.random.Generator, sigma: float = 3.0) -> np.ndarray:
    """The same scene with fresh sensor noise (consecutive frames of a still camera)."""
    noise = rng.standard_normal(size=frame.shape, dtype=np.float32) * np.float32(sigma)
    return cv2.add(frame, noise, dtype=cv2.CV_8U)


__all__ = [
    "FRAME_H",
    "FRAME_W",
    "FrameSpec",
    "blank_frame",
    "clean_spec",
    "jpeg_roundtrip",
    "qr_matrix",
    "random_spec",
    "render_frame",
    "with_noise",
]
