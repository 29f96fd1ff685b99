"""One visual language for every picture in the course."""

FONT = "Helvetica,Arial,sans-serif"
IMAGE_LAYER = "#cfe2f3"  # read-only, shared: cool blue
IMAGE_LAYER_EDGE = "#3d85c6"
EMPTY_STEP = "#ffffff"
EMPTY_STEP_EDGE = "#999999"
CONTAINER_LAYER = "#fce5cd"  # read-write, private: warm orange
WHITEOUT = "#cc0000"
ADDED = "#38761d"
MUTED = "#666666"

GRAPH_ATTR = {"fontname": FONT, "bgcolor": "transparent", "nodesep": "0.15", "ranksep": "0.12"}
NODE_ATTR = {"fontname": FONT, "fontsize": "11", "shape": "box", "style": "rounded,filled", "margin": "0.15,0.06"}
