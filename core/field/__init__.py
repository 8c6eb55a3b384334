"""Field lists (docs/metrics.md, section 9): an officer's plan for a day (whom to see and
why) and the collection sheet of a meeting day (what each loan should hand over).

`amounts` holds the SQL of arrears(d) and expected(d) and the officer-in-scope check,
`plan` and `sheet` build the two lists, `output` renders them as JSON or a terminal table.
"""
