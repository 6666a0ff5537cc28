"""Building blocks shared by the tabular and image GANs: losses, EMA, seeded initialisation."""
