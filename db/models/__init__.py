"""Every mapped table, imported here so `Base.metadata` is complete for migrations."""

from db.models.audit import AuditEntry, UserPermission
from db.models.catalog import Category, Product, ProductBarcode, Supplier
from db.models.customers import CustomerAccount, CustomerMember
from db.models.inventory import (
    InventoryUnit,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMovement,
    StockReceipt,
)
from db.models.local import DeviceIdentity, LocalSetting
from db.models.org import Company, Device, Location
from db.models.staff import User

__all__ = [
    "AuditEntry",
    "Category",
    "Company",
    "CustomerAccount",
    "CustomerMember",
    "Device",
    "DeviceIdentity",
    "InventoryUnit",
    "LocalSetting",
    "Location",
    "Product",
    "ProductBarcode",
    "StockCount",
    "StockCountLine",
    "StockLevel",
    "StockMovement",
    "StockReceipt",
    "Supplier",
    "User",
    "UserPermission",
]
