"""The early warning on screen: scores cached per scope, reasons in words."""
