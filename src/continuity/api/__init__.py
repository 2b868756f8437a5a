"""The versioned JSON API (`/api/v1/`) and the credentials systems use to call it (issue 9)."""
