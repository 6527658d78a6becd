"""Qt user interface of FrontDesk."""
