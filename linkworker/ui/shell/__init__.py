"""The app's frame: from first start and sign-in to the main window, its areas, the idle lock,
notices and help."""
