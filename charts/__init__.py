"""Chart builders: a tidy frame in, a plotly figure out, all in one style (`charts.style`).

No streamlit here, so every chart is tested without a server."""
