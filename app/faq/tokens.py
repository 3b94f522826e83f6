"""Tokenisation for FAQ retrieval, for English and Chinese text.

English: lower-cased words, stop words dropped, a light suffix stemmer (``sizes`` →
``size``, ``shipping`` → ``ship``, ``returned`` → ``return``) and a few synonyms folded
onto one term (``deliver`` → ``ship``). Chinese: runs of Han characters are cut by
``jieba`` (search mode, so a long word also yields its shorter parts), Chinese stop words
dropped, and single characters kept as terms too, which keeps recall when jieba cuts a
paraphrase differently from the FAQ.
"""

from __future__ import annotations

import logging
import re
import threading

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_init_lock = threading.Lock()
_ready = False

EN_STOP = frozenset(
    """a about an and any are as at be been but by can could did do does doing for from get got
    had has have hi hello hey how i if in into is it its just let me might my of on or our please
    pls s she should so than that the their them then there these they this those to too us was
    we were what when where which who whom why will with would you your yours im ive id u ur
    m t s d ll re ve doesn don isn aren didn won can cant""".split()
)
ZH_STOP = frozenset(
    "的 了 吗 呢 吧 啊 呀 么 什 是 我 你 他 她 它 们 我们 你们 这 那 这个 那个 请问 请 一下 "
    "在 有 和 就 都 也 还 要 会 能 可以 可 嘛 哦 哈 嗯 个 些 什么 怎么 怎样 如何 多少 "
    "吗？ ？".split()
)
# Words that mean the same thing to a shopper, folded onto one term after stemming.
SYNONYMS = {
    "deliver": "ship",
    "delivery": "ship",
    "dispatch": "ship",
    "post": "ship",
    "mail": "ship",
    "arrive": "ship",
    "refund": "return",
    "exchange": "return",
    "exchang": "return",
    "arriv": "ship",
    "send": "ship",
    "cost": "price",
    "much": "price",
    "cheap": "price",
    "expens": "price",
    "pric": "price",
    "discount": "sale",
    "deal": "sale",
    "fit": "size",
    "sizing": "size",
    "big": "size",
    "small": "size",
    "larg": "size",
    "wash": "care",
    "clean": "care",
    "avail": "stock",
    "left": "stock",
    "remain": "stock",
    "colour": "color",
    "option": "variant",
}
_SUFFIXES = ("ing", "ed", "es", "s", "ly", "able")


def _ensure_jieba() -> None:
    """Load jieba's dictionary once (it takes about a second; done off the event loop by
    the caller when it matters: :func:`app.faq.index.warm`)."""
    global _ready
    if _ready:
        return
    with _init_lock:
        if not _ready:
            jieba.initialize()
            _ready = True


def stem(word: str) -> str:
    """A light English stemmer: strips one common suffix from words long enough to keep a
    stem of three letters, then folds synonyms."""
    if word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
                word = word[:-1]
            else:
                word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # shipp → ship, stopp → stop
    if word in SYNONYMS:
        return SYNONYMS[word]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return SYNONYMS.get(word, word)


def _han_terms(run: str) -> list[str]:
    _ensure_jieba()
    terms = [w for w in jieba.cut_for_search(run) if w.strip() and w not in ZH_STOP]
    terms += [c for c in run if c not in ZH_STOP and c not in terms]
    return terms


def tokenize(text: str) -> list[str]:
    """The retrieval terms of ``text`` (English and Chinese mixed freely)."""
    terms: list[str] = []
    for run in _WORD.findall((text or "").lower()):
        if _HAN.match(run):
            terms.extend(_han_terms(run))
        elif run not in EN_STOP:
            terms.append(stem(run))
    return terms


def has_han(text: str) -> bool:
    return _HAN.search(text or "") is not None
