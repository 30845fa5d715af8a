"""Delivery channels behind one interface (email, Zalo, Telegram, printed letters).

Empty until the delivery issue: nothing imports from here yet.
"""
