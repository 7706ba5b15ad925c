"""Meeting mode: decks, saved views, present, compare, offline HTML, print layouts."""
