"""The store's hardware as plain data: which printer, scanner and pole display a register
uses and how to reach them. Drivers (`devices`) and screens (`desktop`) read these; nothing
here touches a device."""
