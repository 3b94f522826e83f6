"""GraphQL over :mod:`app.faq`: FAQs, auto-answer delivery and the feedback queue."""
