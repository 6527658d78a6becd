"""FrontDesk domain layer: services, rules, reports; never imports Qt."""

__version__ = "0.1.0"
