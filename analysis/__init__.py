"""Pure analysis functions: a `loaders.Review` (tidy frames) in, tidy frames and sentences out.

No streamlit here, so everything is tested without a server."""
