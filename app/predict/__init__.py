"""Purchase prediction: P(click) and P(purchase in this session) for a viewer and a product,
from session features (:mod:`features`), a logistic model (:mod:`model`) trained in the
background on the interaction log (:mod:`service`), and an offline report on a simulated log
(:mod:`simulator`, :mod:`evaluate`)."""
