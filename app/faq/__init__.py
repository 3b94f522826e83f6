"""Chat auto-answers: streamers' FAQs per room or product, product facts, and the BM25
retrieval that answers a viewer's chat question when it matches confidently."""
