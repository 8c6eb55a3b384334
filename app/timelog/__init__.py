"""How officers spend their time: the day and week forms and the allocation charts."""
