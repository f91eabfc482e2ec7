"""The product's rules, pure judgement without a browser: tracking numbers, carriers, anomalies, notices."""
