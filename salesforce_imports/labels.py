"""How Salesforce object types are named to an admin."""

LABELS = {  # Salesforce API name -> what the pages call it
    "Product2": "Products",
    "PricebookEntry": "Product prices",
    "Account": "Accounts",
    "Contact": "Contacts",
    "Opportunity": "Opportunities",
    "OpportunityLineItem": "Opportunity products",
    "Lead": "Leads",
    "Case": "Cases",
    "Order": "Orders",
    "OrderItem": "Order line items",
    "Quote": "Quotes",
    "QuoteLineItem": "Quote line items",
    "Task": "Tasks",
    "Event": "Events",
    "Note": "Notes",
    "ContentNote": "Lightning notes",
    "User": "Salesforce users",
}
