"""Small purpose-built scenarios for the model's theory and trace tests."""
