"""Map elements with their JavaScript beside them."""
