"""Payment backends: one module per provider behind :class:`.base.PaymentBackend`."""
