"""keys: a findings figure's key resolved in its JSON file.  A key is a
path of fields: `a.b`, `points[2]` (a list index), `runs[file=X]` (the
list entry whose "file" is X; X may contain dots), `a["b c"]` (a field
whose name has spaces)."""
import re

TOKEN = re.compile(r'\.?([A-Za-z_][\w-]*)|\[(-?\d+)\]|\[file=([^\]]+)\]|\["([^"]+)"\]')


def resolve(data, key):
    """The value at KEY in DATA; KeyError naming the step that failed."""
    pos, d = 0, data
    while pos < len(key):
        m = TOKEN.match(key, pos)
        if not m:
            raise KeyError(f"{key}: cannot parse at {key[pos:]!r}")
        name, idx, file, quoted = m.groups()
        name = name if name is not None else quoted
        try:
            if name is not None:
                d = d[name]
            elif idx is not None:
                d = d[int(idx)]
            else:
                d = next(x for x in d if x.get("file") == file)
        except (KeyError, IndexError, TypeError, StopIteration):
            raise KeyError(f"{key}: no {m.group(0)!r}")
        pos = m.end()
    return d
