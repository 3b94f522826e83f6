"""Coins and gifts: wallets and the ledger (``wallet``), card top-ups (``topups``,
``payments``), the gift catalog, sending gifts and the gifter leaderboard (``services``)."""
