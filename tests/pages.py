"""Reading a page as a person sees it: the values a form would send if they changed nothing."""
from html.parser import HTMLParser


class _FormDefaults(HTMLParser):
    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.select, self.textarea = action, False, None, None
        self.values: dict[str, list[str]] = {}

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", "").split("?")[0] == self.action
        if not self.inside or not attrs.get("name") and tag not in ("option",):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select, self.first_option, self.chosen = attrs["name"], None, None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.chosen = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self._add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            self._add(self.select, self.chosen if self.chosen is not None else self.first_option or "")
            self.select = None
        elif tag == "textarea" and self.textarea:
            text = self.values[self.textarea][-1]  # a browser drops the newline that opens a textarea
            self.values[self.textarea][-1] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.textarea = None


def form_defaults(html: str, action: str) -> dict[str, list[str]]:
    """What the form posting to `action` sends untouched: text inputs, checked boxes and radios, the selected
    (or first) option of each select, textareas."""
    parser = _FormDefaults(action)
    parser.feed(html)
    return parser.values
