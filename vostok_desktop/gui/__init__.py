"""Qt widgets: main window, agents, cards, dialogs. The only layer that imports Qt."""
