"""Per-action permissions: each role has defaults, and a user may have overrides."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from core.errors import DomainError
from core.staff.roles import Role


class Permission(StrEnum):
    DISCOUNT_OVER_THRESHOLD = "discount_over_threshold"
    PRICE_OVERRIDE = "price_override"
    VOID = "void"
    REFUND = "refund"
    REFUND_WITHOUT_RECEIPT = "refund_without_receipt"
    NO_SALE = "no_sale"
    PAY_OUT = "pay_out"
    CLOSE_DRAWER = "close_drawer"
    SIGN_OFF_OVER_SHORT = "sign_off_over_short"
    DRAWER_SETTINGS = "drawer_settings"
    EDIT_PRODUCTS = "edit_products"
    ADJUST_STOCK = "adjust_stock"
    RECEIVE_STOCK = "receive_stock"
    EDIT_CUSTOMERS = "edit_customers"
    MANAGE_USERS = "manage_users"
    EXPORT = "export"
    EXPORT_AGAIN = "export_again"
    EDIT_ACCOUNTS = "edit_accounts"
    IMPORT = "import"
    MANAGE_DEVICES = "manage_devices"
    MANAGE_SYNC = "manage_sync"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Permission.DISCOUNT_OVER_THRESHOLD: "give a discount over the limit",
    Permission.PRICE_OVERRIDE: "change a price at the register",
    Permission.VOID: "void a sale",
    Permission.REFUND: "take a return",
    Permission.REFUND_WITHOUT_RECEIPT: "refund cash without a receipt",
    Permission.NO_SALE: "open the drawer without a sale",
    Permission.PAY_OUT: "pay out cash",
    Permission.CLOSE_DRAWER: "close a drawer",
    Permission.SIGN_OFF_OVER_SHORT: "sign off a drawer difference over the limit",
    Permission.DRAWER_SETTINGS: "change the drawer settings",
    Permission.EDIT_PRODUCTS: "edit products and prices",
    Permission.ADJUST_STOCK: "adjust or count stock",
    Permission.RECEIVE_STOCK: "receive stock",
    Permission.EDIT_CUSTOMERS: "edit customers",
    Permission.MANAGE_USERS: "manage users",
    Permission.EXPORT: "export data",
    Permission.EXPORT_AGAIN: "export journal entries that were already exported",
    Permission.EDIT_ACCOUNTS: "rename accounts in the chart of accounts",
    Permission.IMPORT: "import data",
    Permission.MANAGE_DEVICES: "set up this register's printer, scanners and display",
    Permission.MANAGE_SYNC: "manage sync with the server",
}

_EVERYTHING = frozenset(Permission)
ROLE_DEFAULTS: Mapping[Role, frozenset[Permission]] = {
    Role.ADMIN: _EVERYTHING,
    Role.MANAGER: _EVERYTHING,
    Role.STAFF: frozenset({Permission.EDIT_CUSTOMERS, Permission.RECEIVE_STOCK, Permission.REFUND}),
    Role.TECHNICIAN: frozenset({Permission.EDIT_CUSTOMERS}),
    Role.INSTRUCTOR: frozenset({Permission.EDIT_CUSTOMERS}),
}

# Only these roles may approve an action for someone else with their PIN.
APPROVER_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


class PermissionDeniedError(DomainError):
    """The user may not do this alone; a manager's approval is needed."""

    def __init__(self, permission: Permission, who: str) -> None:
        super().__init__(f"{who} may not {permission.label}. A manager's PIN is needed.")
        self.permission = permission


def effective_permissions(
    role: Role, overrides: Mapping[Permission, bool] | None = None
) -> frozenset[Permission]:
    granted = set(ROLE_DEFAULTS[role])
    for permission, allowed in (overrides or {}).items():
        if allowed:
            granted.add(permission)
        else:
            granted.discard(permission)
    return frozenset(granted)
