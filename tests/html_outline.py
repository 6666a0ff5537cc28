"""Reading a report.html in tests: its figures and captions, its nesting, its guide section."""

from html.parser import HTMLParser


class Outline(HTMLParser):
    """Each <img> with the text of its <figure>'s <figcaption>; tags left open or closed out of turn."""

    VOID = {"meta", "img", "br"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack, self.misnested, self.images, self.captions = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(("figure" in self.stack, dict(attrs)["alt"]))
        if tag == "figure":
            self.captions.append("")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.misnested.append(tag)
        else:
            self.stack.pop()

    def handle_data(self, data):
        if "figcaption" in self.stack:
            self.captions[-1] += data


def guide_section(html: str) -> str:
    """The text of the "How to read this report" section."""
    return html.split("<h2 id='guide'>")[1].split("<h2>")[0]
