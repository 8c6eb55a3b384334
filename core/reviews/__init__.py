"""Quarterly self-reviews and coaching: template, workflow, evidence, exports."""
