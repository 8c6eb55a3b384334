"""The Streamlit side of Fieldbook: the only package (with pages/) that imports streamlit."""
