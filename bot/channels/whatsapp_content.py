"""WhatsApp list pickers and quick replies: a reply's choices as buttons, not numbered text.

WhatsApp shows them only as Content API templates the operator creates once in the Twilio
console (docs/operations.md): their SIDs are settings, and with none set every menu stays the
numbered text that works everywhere. The variables are positional: "1" is the reply's text,
"2", "3"... the choice labels in order; each item's or button's id in the template is its choice
key ("1", "2"...), which Twilio sends back as ListId or ButtonPayload, so a tap reads as the
number typed.

- SADEEQ_WHATSAPP_MENU_TEMPLATE: a twilio/list-picker with SADEEQ_WHATSAPP_MENU_ITEMS items,
  for replies with exactly that many choices (the main menu);
- SADEEQ_WHATSAPP_YES_NO_TEMPLATE: a twilio/quick-reply with two buttons, for replies with two.

WhatsApp's own limits decide the fallback: a text or a label too long for the template is sent
as numbered text rather than cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.dialogue.messages import Reply

LIST_BODY_LIMIT = 1024
LIST_ITEM_LIMIT = 24  # a list picker item's title
BUTTON_LIMIT = 20  # a quick reply button's title


@dataclass(frozen=True)
class Content:
    sid: str
    variables: dict[str, str]


@dataclass(frozen=True)
class ContentTemplates:
    menu: str | None = None
    menu_items: int = 7
    yes_no: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ContentTemplates:
        return cls(
            settings.whatsapp_menu_template,
            settings.whatsapp_menu_items,
            settings.whatsapp_yes_no_template,
        )

    def __bool__(self) -> bool:
        return bool(self.menu or self.yes_no)

    def content_for(self, reply: Reply) -> Content | None:
        """The template carrying `reply`, or None: numbered text it is."""
        choices = reply.shown_choices
        if not choices or not reply.text or len(reply.text) > LIST_BODY_LIMIT:
            return None
        if [c.key for c in choices] != [str(n) for n in range(1, len(choices) + 1)]:
            return None  # the template's ids are 1..N
        if any(c.request_contact for c in choices):
            return None
        if self.yes_no and len(choices) == 2:
            sid, limit = self.yes_no, BUTTON_LIMIT
        elif self.menu and len(choices) == self.menu_items:
            sid, limit = self.menu, LIST_ITEM_LIMIT
        else:
            return None
        if any(len(c.label) > limit for c in choices):
            return None
        variables = {"1": reply.text}
        variables.update({str(n + 1): c.label for n, c in enumerate(choices, 1)})
        return Content(sid, variables)
