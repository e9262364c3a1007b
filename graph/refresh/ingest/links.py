"""Web-link texts run into an entry's text, found and taken out (the extract has no link markers).
"""

from __future__ import annotations

import html
import re

from .text import DOMAIN_RE, SITE_RE, TAG_RE, URL_RE, U_RE, _clean


def _url_only(text: str) -> bool:
    return bool(URL_RE.fullmatch(text.strip())) or bool(re.fullmatch(r"(?:<u>.*</u>|<a href=\"[^\"]*\">.*</a>)\.?", text.strip()))


def _sentence_start(text: str, pos: int, floor: int, line_starts: list[int]) -> int:
    """The start of the sentence (or source line) that ends at ``pos``."""
    best = floor
    for m in re.finditer(r"[.!?]\s+(?=[\"'A-Z0-9(<])", text[:pos]):
        if m.end() > best:
            best = m.end()
    for off in line_starts:
        if best < off < pos:
            best = off
    return best


def link_runs(para: str) -> tuple[str, list[tuple[int, int, str | None]]]:
    """The paragraph without tags, and where its linked runs are: (start, end, address or None)."""
    runs: list[tuple[int, int, str | None]] = []
    text, pos = "", 0
    for m in U_RE.finditer(para):
        text += TAG_RE.sub("", para[pos:m.start()])
        inner = TAG_RE.sub("", m.group("u") if m.group("u") is not None else m.group("a"))
        href = html.unescape(m.group("href")) if m.group("href") is not None else None
        runs.append((len(text), len(text) + len(inner), href))
        text += inner
        pos = m.end()
    return text + TAG_RE.sub("", para[pos:]), runs


def _extract_links(para: str, line_starts: list[int], urls: dict[str, str] | None = None, marked: bool = False
                   ) -> tuple[list[str], list[str]]:
    """Split link texts out of one paragraph: (links, remaining text pieces). The addresses of
    hyperlinked runs go into ``urls`` (link text -> address)."""
    # drop tags, remembering where the underlined (linked) runs are
    text, runs = link_runs(para)
    underlined = [(a, b) for a, b, _ in runs]
    shift = len(para) - len(text)
    line_starts = [max(0, o - shift) for o in line_starts] if shift else line_starts
    spans: list[tuple[int, int, bool]] = []      # start, end, keep-in-text
    floor = 0
    if marked:          # the input marks its links (PDF annotations, Word hyperlinks): only those are links
        for k, (idx, end) in enumerate(underlined):
            after = text[end:underlined[k + 1][0] if k + 1 < len(underlined) else len(text)].strip()
            spans.append((idx, end, bool(after) and after[:1].isalpha()))
        return _cut(text, spans, runs, urls)
    for m in DOMAIN_RE.finditer(text):
        s = _sentence_start(text, m.start(), floor, line_starts)
        s = _repeat_start(text, s, m.start())
        after = text[m.end():].lstrip()
        keep = bool(after) and after[:1].islower() and not URL_RE.match(after)
        if keep:
            am = re.match(r"(?:The|A|An)\s+", text[s:])
            if am:
                s += am.end()
        spans.append((s, m.end(), keep))
        floor = m.end()
    for m in SITE_RE.finditer(text):
        if any(a <= m.start() < b for a, b, _ in spans):
            continue
        words = m.group(1).split()
        end = m.start(1)
        rest_after = text[m.end(1):]
        if len(words) > 1 and re.match(r"^\s+[a-z]", rest_after):
            words = words[:-1]
        end = m.start(1) + len(" ".join(words))
        prior = [b for a, b, _ in spans if b <= m.start()]
        s = _sentence_start(text, m.start(), max(prior, default=0), line_starts)
        spans.append((s, end, False))
    for m in URL_RE.finditer(text):
        if any(a <= m.start() < b for a, b, _ in spans):
            continue
        end = m.end()
        rest = text[end:]
        if rest.strip() and len(rest) <= 40 and ". " not in rest and not rest.strip()[:1].isupper() or \
                rest.strip().endswith(".pdf") and len(rest) <= 60:
            end = len(text)
        tok = text[m.start():end].rstrip(".,;")
        if "@" in tok:
            continue
        spans.append((m.start(), m.start() + len(tok), False))
    for idx, end in underlined:
        if any(a <= idx < b for a, b, _ in spans):
            continue
        after = text[end:].lstrip()
        keep = bool(after) and after[:1].isalpha()
        spans.append((idx, end, keep))
    for m in re.finditer(r"(?<![\w(])[A-Z]{2,}(?:\s+[A-Z]+){2,}(?![\w)])", text):
        if not any(a <= m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.end(), False))
    tail = _trailing_link(text)
    if tail is not None and not any(a <= tail < b or tail <= a for a, b, _ in spans):
        spans.append((tail, len(text), False))
    return _cut(text, spans, runs, urls)


def _cut(text: str, spans: list[tuple[int, int, bool]], runs: list[tuple[int, int, str | None]],
         urls: dict[str, str] | None) -> tuple[list[str], list[str]]:
    """Take the link spans out of ``text``: (link texts, the remaining pieces of text)."""
    spans.sort()
    links: list[str] = []
    pieces: list[str] = []
    pos = 0
    for a, b, keep in spans:
        if a < pos:
            continue
        link = _clean(text[a:b]).rstrip(".").strip() if not text[a:b].rstrip().endswith(")") else _clean(text[a:b])
        if link and link not in links:
            links.append(link)
            href = next((h for s0, e0, h in runs if h and s0 >= a and e0 <= b), None)
            if href and urls is not None:
                urls.setdefault(link, href)
        if keep:
            continue
        pieces.append(text[pos:a])
        pos = b
    pieces.append(text[pos:])
    out = []
    for p in pieces:
        p = _clean(p)
        p = re.sub(r"^[.,;:]\s*", "", p) if out or pos else p
        if p and re.search(r"[A-Za-z0-9]", p):
            out.append(p)
    return links, out


def _repeat_start(text: str, start: int, end: int) -> int:
    """A link text often repeats the phrase just before it ('... June 2022 National Strategy for
    Community Justice gov.scot'): start the link at the repeat."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text[start:end])]
    best = None
    for n in range(6, 2, -1):
        for i in range(len(words) - n):
            phrase = [w for _, w in words[i:i + n]]
            for j in range(i + n, len(words) - n + 1):
                if [w for _, w in words[j:j + n]] == phrase and phrase[0][:1].isupper():
                    best = start + words[j][0]
                    break
            if best is not None:
                return best
    return start


def _trailing_link(text: str) -> int | None:
    """Where a link text run onto the end of a paragraph begins: a last 'sentence' with no full
    stop, short, in title case (or cut off with ' -')."""
    t = text.rstrip()
    if not t or t.endswith((".", "!", "?", ":", ";", ",", ")")):
        return None
    starts = [m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z0-9'])", t)]
    if not starts:
        return None
    s = starts[-1]
    tail = t[s:]
    words = tail.split()
    if not 1 <= len(words) <= 15:
        return None
    long_words = [w for w in words if len(re.sub(r"[^A-Za-z]", "", w)) >= 4]
    caps = sum(1 for w in long_words if w[:1].isupper())
    if t.endswith(" -") or (long_words and caps / len(long_words) >= 0.9 and len(words) >= 2):
        return s
    return None


def _bare_link(p: str) -> bool:
    """A short paragraph with no sentence ending: a link text on its own line."""
    t = _clean(TAG_RE.sub("", p))
    return 0 < len(t.split()) <= 12 and not t.endswith((".", ":", ";", ","))
