"""The mechanism diagram, in three jobs: `model` (the tables of data/, validated; context views; the evidence behind
a node or edge), `layout` (label widths, box sizes, positions, Cytoscape elements) and `style` (the look of each
node and edge kind, the stylesheet, legend swatches). Pure Python (no Dash)."""
