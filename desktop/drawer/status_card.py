"""This register's drawer at a glance: open or closed, who opened it and when, and its cash
figures in large type. With a blind close a cashier sees neither the cash expected nor the
cash sales and refunds it could be worked out from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.services.drawer import DrawerStatus, ZSummary
from desktop.drawer.desk import cash, over_short_text
from desktop.theme import current_palette
from desktop.widgets import label

FIGURES = ("Float", "Cash sales", "Cash refunds", "Pay-ins", "Pay-outs")
EXPECTED = "Expected in drawer"
BLIND_HIDDEN = ("Cash sales", "Cash refunds")  # with the float, they give the expected away
CARD_STYLE = """
QLabel[drawer="caption"] { font-size: 16pt; }
QFrame[drawer="rule"] { border: none; border-top: 1px solid palette(text); max-height: 1px; }
QLabel[drawer="amount"] { font-size: 22pt; font-weight: 600; }
QLabel[drawer="open"] { font-size: 14pt; font-weight: 700; padding: 4px 14px;
    border-radius: 6px; }
"""


class StatusCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.setStyleSheet(CARD_STYLE)
        self.title = label("Drawer", "title")
        self.chip = label("", None)
        self.chip.setProperty("drawer", "open")
        self.chip.setWordWrap(False)
        self.opened = label("", "subtitle")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        self.captions: dict[str, QLabel] = {}
        self.amounts: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setVerticalSpacing(6)
        self.rule = QFrame()
        self.rule.setFrameShape(QFrame.Shape.HLine)
        self.rule.setProperty("drawer", "rule")
        grid.addWidget(self.rule, len(FIGURES), 0, 1, 2)
        for line, name in enumerate((*FIGURES, EXPECTED)):
            row = line + (0 if name in FIGURES else 1)  # below the rule
            caption = label(name)
            caption.setWordWrap(False)
            caption.setProperty("drawer", "caption")
            amount = label("")
            amount.setProperty("drawer", "amount")
            amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            amount.setAccessibleName(name)
            grid.addWidget(caption, row, 0)
            grid.addWidget(amount, row, 1)
            self.captions[name], self.amounts[name] = caption, amount
        self.expected = self.amounts[EXPECTED]
        self.expected.setProperty("role", "total")
        self.expected.setProperty("drawer", "")
        self.blind_note = label("", "hint")
        self.last_z = label("", "muted")
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(12)
        box.addLayout(top)
        box.addWidget(self.opened)
        box.addSpacing(8)
        box.addLayout(grid)
        box.addWidget(self.blind_note)
        box.addStretch(1)
        box.addWidget(self.last_z)

    def show_status(self, state: DrawerStatus | None) -> None:
        is_open = state is not None and state.is_open
        totals = state.totals if state is not None else None
        self.title.setText(f"Drawer · {state.register}" if state else "Drawer")
        self.chip.setText("OPEN" if is_open else "CLOSED" if state else "")
        palette = current_palette()
        fill = palette.success if is_open else palette.muted
        self.chip.setStyleSheet(f"background: {fill}; color: {palette.surface};")
        self.chip.setVisible(state is not None)
        if state is not None and is_open:
            self.opened.setText(f"Opened by {state.opened_by} at {state.opened_time}")
        elif state is not None:
            self.opened.setText("The drawer is closed. Open it with a counted float (F2).")
        else:
            self.opened.setText("")
        blind = state is not None and state.blind
        for name in FIGURES:
            hidden = totals is None or (blind and name in BLIND_HIDDEN)
            self.captions[name].setVisible(not hidden)
            self.amounts[name].setVisible(not hidden)
        for widget in (self.captions[EXPECTED], self.rule, self.expected):
            widget.setVisible(totals is not None and not blind)
        if state is not None and totals is not None:
            figures = {
                "Float": totals.float_amount,
                "Cash sales": totals.cash_sales,
                "Cash refunds": -totals.cash_refunds,
                "Pay-ins": totals.pay_ins,
                "Pay-outs": -totals.pay_outs,
            }
            for name, amount in figures.items():
                self.amounts[name].setText(cash(amount, state.currency))
            self.expected.setText("" if blind else cash(totals.expected, state.currency))
        self.blind_note.setText(
            "Blind close: the cash expected is shown to managers only, and on the Z report "
            "once the drawer is counted."
            if blind and is_open
            else ""
        )

    def show_last_z(self, last: ZSummary | None, currency: str) -> None:
        if last is None:
            self.last_z.setText("No Z report has been taken on this register yet.")
            return
        difference = (
            "no drawer counted"
            if last.over_short is None
            else f"over/short {over_short_text(last.over_short, currency)}"
        )
        self.last_z.setText(f"Last Z report: #{last.number}, {last.taken_time} · {difference}")
