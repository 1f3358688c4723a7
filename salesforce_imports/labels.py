"""How Salesforce object types are named to an admin."""

LABELS = {  # Salesforce API name -> what the pages call it
    "Product2": "Products",
    "Account": "Accounts",
    "Contact": "Contacts",
    "Opportunity": "Opportunities",
    "Order": "Orders",
    "OrderItem": "Order line items",
    "Quote": "Quotes",
    "QuoteLineItem": "Quote line items",
}
