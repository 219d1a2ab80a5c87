"""Every mapped table, imported here so `Base.metadata` is complete for migrations."""

from db.models.audit import AuditEntry, UserPermission
from db.models.catalog import Category, Product, ProductBarcode, Supplier
from db.models.customers import CustomerAccount, CustomerMember
from db.models.drawer import DrawerEvent, DrawerSession, ZReport
from db.models.inventory import (
    InventoryUnit,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMovement,
    StockReceipt,
)
from db.models.ledger import (
    JournalEntry,
    JournalExport,
    JournalExportEntry,
    JournalLine,
    LedgerAccount,
)
from db.models.local import DeviceIdentity, LocalSetting
from db.models.org import Company, Device, Location
from db.models.sales import (
    CompanySetting,
    DeviceCounter,
    DiscountAudit,
    OutboxEvent,
    Sale,
    SaleLine,
    SaleLineTax,
    SaleTender,
    StoreCreditEntry,
    TaxRate,
)
from db.models.staff import User
from db.models.sync import SyncIssue, SyncState

__all__ = [
    "AuditEntry",
    "Category",
    "Company",
    "CompanySetting",
    "CustomerAccount",
    "CustomerMember",
    "Device",
    "DeviceCounter",
    "DeviceIdentity",
    "DiscountAudit",
    "DrawerEvent",
    "DrawerSession",
    "InventoryUnit",
    "JournalEntry",
    "JournalExport",
    "JournalExportEntry",
    "JournalLine",
    "LedgerAccount",
    "LocalSetting",
    "Location",
    "OutboxEvent",
    "Product",
    "ProductBarcode",
    "Sale",
    "SaleLine",
    "SaleLineTax",
    "SaleTender",
    "StockCount",
    "StockCountLine",
    "StockLevel",
    "StockMovement",
    "StockReceipt",
    "StoreCreditEntry",
    "Supplier",
    "SyncIssue",
    "SyncState",
    "TaxRate",
    "User",
    "UserPermission",
    "ZReport",
]
