"""What one notebook needs beyond the package, built on its public names only.

vanishing   notebook 02: the unrolled graph, untied layers, local influences, the SGD/Adam sweep
exploding   notebooks 03 and 04: NaN and overflow, the cliff, the nearby-noun trap, thresholds
gated       notebook 06: the GRU and the LSTM beside the basic RNN
"""
