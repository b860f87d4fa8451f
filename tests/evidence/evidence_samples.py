"""Real evidence files made on the spot, and a SeaweedFS server to test the S3 store against."""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageDraw

from gongdao.evidence.storage import Limits, S3Store

MB = 1024 * 1024
# With xdist --dist loadgroup, every S3 test runs on one worker: one SeaweedFS per run.
ON_SEAWEEDFS = pytest.mark.xdist_group("seaweedfs")
LIMITS = Limits(image=20 * MB, video=500 * MB, document=50 * MB)


# --- files -----------------------------------------------------------------------------------


def picture(size=(160, 120), seed=1) -> Image.Image:
    """A photo-like picture: shapes on a gradient, different for each seed."""
    rnd = random.Random(seed)
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        r = rnd.randrange(8, max(9, size[0] // 3))
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return img


def exif_bytes(*, taken="2024:05:01 14:30:00", offset=None, gps=True, orientation=None) -> bytes:
    exif = Image.Exif()
    details = {}
    if taken:
        details[ExifTags.Base.DateTimeOriginal] = taken
    if offset:
        details[ExifTags.Base.OffsetTimeOriginal] = offset
    if details:
        exif[ExifTags.IFD.Exif] = details
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (31.0, 13.0, 48.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (121.0, 28.0, 12.0),
        }
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "GongdaoPhone"
    return exif.tobytes()


def encode(img: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def jpeg_bytes(seed=1, size=(160, 120), **exif) -> bytes:
    return encode(picture(size, seed), "JPEG", quality=90, exif=exif_bytes(**exif))


def png_bytes(seed=2, size=(160, 120)) -> bytes:
    return encode(picture(size, seed), "PNG")


def heic_bytes(seed=3, size=(160, 120), **exif) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return encode(picture(size, seed), "HEIF", exif=exif_bytes(**exif))


def webp_bytes(seed=4) -> bytes:
    return encode(picture(seed=seed), "WEBP")


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_bytes(brand=b"isom", compatible=(b"isom", b"iso2", b"avc1", b"mp41"), body=4096) -> bytes:
    """The start of an MP4 as phones write it: ftyp, free, then an mdat."""
    ftyp = box(b"ftyp", brand + struct.pack(">I", 512) + b"".join(compatible))
    return ftyp + box(b"free", b"") + box(b"mdat", bytes(range(256)) * (body // 256))


def mov_bytes() -> bytes:
    return mp4_bytes(brand=b"qt  ", compatible=(b"qt  ",))


def pdf_bytes() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def text_bytes() -> bytes:
    return "2024-05-01 14:30 买家：收到的杯子是碎的。\n2024-05-01 14:35 商家：请提供照片。\n".encode()


def png_bomb_bytes(width=100_000, height=100_000) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def chunked(data: bytes, size: int = 64 * 1024):
    return [data[i : i + size] for i in range(0, len(data), size)]


# --- SeaweedFS -------------------------------------------------------------------------------


def weed_binary() -> str | None:
    found = shutil.which("weed")
    if found:
        return found
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SeaweedServer:
    """``weed server`` with master, volume, filer and S3 on loopback ports of its own."""

    PORTS = ("master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3", "s3.grpc")
    BUCKET = "gongdao-test"

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary, self.folder = binary, folder
        self.ports = {name: free_port() for name in self.PORTS}
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def command(self) -> list[str]:
        p = self.ports
        return [
            self.binary,
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.folder / 'data'}",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master.grpc']}",
            "-master.volumeSizeLimitMB=64",
            "-master.telemetry=false",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume.grpc']}",
            "-volume.max=20",
            "-filer",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer.grpc']}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3.grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]

    def start(self, timeout: float = 90) -> None:
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        self.log = open(self.folder / "weed.log", "wb")  # noqa: SIM115 - closed by stop()
        env = dict(os.environ, TMPDIR=str(self.folder))  # its log files go there
        self.process = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        self._wait_for_port(deadline)
        self._wait_for_writes(deadline)

    def _alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            tail = (self.folder / "weed.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"weed exited with {self.process.returncode}:\n{tail}")

    def _wait_for_port(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            self._alive()
            try:
                socket.create_connection(("127.0.0.1", self.ports["s3"]), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("SeaweedFS S3 port did not open")

    def _wait_for_writes(self, deadline: float) -> None:
        """Create the bucket and write a probe object: the volume server has registered."""
        store = self.store(prefix="probe/")
        while True:
            self._alive()
            try:
                store.ensure_bucket()
                store.client.put_object(Bucket=self.BUCKET, Key="probe/ready", Body=b"ok")
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def store(self, prefix: str = "", **options) -> S3Store:
        return S3Store(
            self.endpoint, self.BUCKET, "any-key", "any-secret", "us-east-1", prefix=prefix, **options
        )

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL)  # weed ignores SIGTERM
        self.process.wait(timeout=30)
        self.log.close()
        for port in self.ports.values():  # it leaves unix sockets in /tmp named by port
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)
