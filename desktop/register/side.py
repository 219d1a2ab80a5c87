"""The right of the register: who the customer is, and what the sale comes to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from core.money import Money
from core.services.register_rows import SaleView
from desktop.register.till import minus, money, rate_text
from desktop.widgets import label, plain


class CustomerBox(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(4)
        self.name = label("No customer", "strong")
        self.account = label("F3 to find the customer's account", "hint")
        self.credit = label("", "muted")
        self.exempt = label("", "error")
        for widget in (self.name, self.account, self.credit, self.exempt):
            layout.addWidget(widget)
        self.show_sale(None)

    def show_sale(self, view: SaleView | None) -> None:
        customer = None if view is None else view.customer
        if customer is None:
            self.name.setText("No customer")
            self.account.setText("F3 to find the customer's account")
            self.credit.hide()
            self.exempt.hide()
            return
        self.name.setText(customer.name)
        self.account.setText(f"Account {customer.account_number}  ·  Shift+F3 to take off")
        self.credit.setText(f"Store credit {money(customer.store_credit)}")
        self.credit.setVisible(customer.store_credit.amount != 0)
        self.exempt.setText(
            f"Tax exempt — certificate {customer.certificate}" if customer.tax_exempt else ""
        )
        self.exempt.setVisible(customer.tax_exempt)


class TotalsPanel(QFrame):
    """The big total, and the figures it is made of, one row each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(2)
        self.caption = label("Total", "muted")
        self.total = QLabel("$0.00")
        self.total.setProperty("role", "total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total.setAccessibleName("Total")
        self.rows = plain()
        self.grid = QGridLayout(self.rows)
        self.grid.setContentsMargins(0, 4, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        self.figures: dict[str, QLabel] = {}
        layout.addWidget(self.caption)
        layout.addWidget(self.total)
        layout.addWidget(self.rows)
        self._labels: list[QLabel] = []

    def show_sale(self, view: SaleView | None, currency: str | None) -> None:
        """`currency` is for the empty register's zero; None before the store is open."""
        rows: list[tuple[str, str, str]] = []  # key, caption, value
        if view is None:
            self.caption.setText("Total")
            self.total.setText("—" if currency is None else money(Money(0, currency)))
        else:
            refund = view.total.amount < 0
            self.caption.setText("Refund due" if refund else "Total")
            self.total.setText(money(Money(abs(view.total.amount), view.total.currency)))
            rows.append(("subtotal", "Subtotal", money(view.subtotal)))
            if view.discount.amount:
                rows.append(("discount", "Discounts", minus(view.discount)))
            for tax in view.taxes:
                caption = f"{tax.name} {rate_text(tax.rate_ppm)}"
                rows.append((f"tax:{tax.name}", caption, money(Money(tax.tax, view.tax.currency))))
            if not view.taxes:
                exempt = view.customer is not None and view.customer.tax_exempt
                rows.append(("tax", "Tax (exempt)" if exempt else "Tax", money(view.tax)))
            if view.tenders:
                rows.append(("paid", "Paid", money(view.paid)))
                if view.due.amount < 0:
                    owed = Money(-view.due.amount, view.due.currency)
                    rows.append(("due", "To pay back", money(owed)))
                else:
                    rows.append(("due", "Due", money(view.due)))
        self._fill(rows)

    def _fill(self, rows: list[tuple[str, str, str]]) -> None:
        for widget in self._labels:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self._labels = []
        self.figures = {}
        for index, (key, caption, value) in enumerate(rows):
            strong = key == "due"
            name = label(caption, "strong" if strong else "figure")
            figure = label(value, "strong" if strong else "figure")
            figure.setWordWrap(False)
            figure.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(name, index, 0)
            self.grid.addWidget(figure, index, 1)
            self._labels += [name, figure]
            self.figures[key] = figure
