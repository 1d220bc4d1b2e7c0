"""How a service row gets its browse category. The rule, in order:

1. Drugs are `drug`.
2. In the shared price list (QĐ 3467/QĐ-BYT) appendix I is the examination price and
   appendix II the bed-day prices: rows of those appendices (`stt` restarts mark a new
   appendix; rows without an equivalence code before the first coded row) are `exam` / `bed`.
3. The name decides when it is unambiguous (folded, first words):
   "kham", "hoi chan" -> exam; "ngay giuong", "ngay dieu tri", "giuong" -> bed;
   "sieu am", "chup", "x quang", "cong huong tu", "cat lop", "xa hinh", "spect", "pet",
   "do mat do xuong" -> imaging; "xet nghiem", "dinh luong", "dinh tinh", "dinh nhom",
   "do hoat do", "nuoi cay", "tong phan tich", "mien dich", "test nhanh" -> laboratory.
4. Otherwise the chapter of the equivalence code `NN.NNNN.NNNN` (Thông tư 23/2024/TT-BYT,
   chapter numbering of Thông tư 43/2013): 18 Điện quang -> imaging (except interventional
   rows whose name starts with a procedure word: "can thiep", "nut", "dat", "dan luu",
   "sinh thiet", "dieu tri", "phau thuat", "nong", "lay"), 22 Huyết học-truyền máu,
   23 Hóa sinh, 24 Vi sinh, 25 Giải phẫu bệnh -> laboratory (except rows starting with a
   procedure word: "chon", "sinh thiet", "phau thuat", "truyen", "gan", "lay"); 19 Y học hạt
   nhân -> imaging for "xa hinh"/"spect"/"pet" names (rule 3), procedures otherwise.
5. Everything else is `procedure` (procedures and surgery, including endoscopy and the
   functional tests of chapter 21).
"""

from __future__ import annotations

from kiosk.catalog.models import Category
from kiosk.catalog.text import folded_words

EXAM_PREFIXES = ("kham", "gia kham", "hoi chan")
BED_PREFIXES = ("ngay giuong", "ngay dieu tri", "giuong")
IMAGING_PREFIXES = (
    "sieu am",
    "chup",
    "x quang",
    "xquang",
    "cong huong tu",
    "cat lop",
    "xa hinh",
    "spect",
    "pet",
    "do mat do xuong",
)
LAB_PREFIXES = (
    "xet nghiem",
    "dinh luong",
    "dinh tinh",
    "dinh nhom",
    "do hoat do",
    "nuoi cay",
    "tong phan tich",
    "mien dich",
    "test nhanh",
)
IMAGING_CHAPTERS = {"18"}
LAB_CHAPTERS = {"22", "23", "24", "25"}
IMAGING_NOT = (
    "can thiep",
    "nut",
    "dat",
    "dan luu",
    "sinh thiet",
    "dieu tri",
    "phau thuat",
    "nong",
    "lay",
)
LAB_NOT = ("chon", "sinh thiet", "phau thuat", "truyen", "gan", "lay", "dieu tri")


def _starts(words: str, prefixes: tuple[str, ...]) -> bool:
    return (words + " ").startswith(tuple(p + " " for p in prefixes))


def service_category(
    name: str, code: str, appendix: int | None = None, folded: str | None = None
) -> Category:
    """The browse category of a service row (see the module docstring for the rule)."""
    if appendix == 1:
        return Category.EXAM
    if appendix == 2:
        return Category.BED
    words = folded_words(name) if folded is None else folded
    if _starts(words, EXAM_PREFIXES):
        return Category.EXAM
    if _starts(words, BED_PREFIXES):
        return Category.BED
    if _starts(words, IMAGING_PREFIXES):
        return Category.IMAGING
    if _starts(words, LAB_PREFIXES):
        return Category.LABORATORY
    chapter = code.strip()[:2]
    if chapter in IMAGING_CHAPTERS and not _starts(words, IMAGING_NOT):
        return Category.IMAGING
    if chapter in LAB_CHAPTERS and not _starts(words, LAB_NOT):
        return Category.LABORATORY
    return Category.PROCEDURE
