"""Loans and borrowers: the loan table, a borrower's page, customers kept and lost."""
