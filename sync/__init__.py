"""The wire protocol, the client sync engine (`sync.client`) and the sync server (`sync.server`)."""
